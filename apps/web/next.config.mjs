// Next.js config for the dashboard. Plain ESM (not .ts) so the production server loads it
// without a TypeScript step. The app is served by our own server (server/server.ts), which
// also proxies the API same-origin; nothing here talks to the network at build time.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  devIndicators: false,
  // The workspace root, so Turbopack compiles libs/protocol from source (tsconfig paths).
  turbopack: { root: resolve(here, '../..') },
  outputFileTracingRoot: resolve(here, '../..'),
  images: { unoptimized: true },
};

export default config;
