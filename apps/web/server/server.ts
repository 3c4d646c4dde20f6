/**
 * Production entry of the dashboard (`node apps/web/dist/server.js`): serves the built app on
 * WEB_PORT (default 3000) at HOST (default 127.0.0.1) and proxies the API at SWITCHBOARD_API_URL.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadWebEnv, WebEnvError } from './web-env';

// Before Next.js is loaded (web-server is imported below, after these are set).
const dev = process.env.WEB_DEV === '1' || process.env.WEB_DEV === 'true';
Object.assign(process.env, { NODE_ENV: dev ? 'development' : 'production', NEXT_TELEMETRY_DISABLED: '1' });

async function main(): Promise<void> {
  const env = loadWebEnv(process.env, {
    appDir: resolve(__dirname, '..'),
    readTokenFile: (dataDir) => {
      const file = join(dataDir, 'api-token');
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
  });
  const logger = pino({
    level: env.logLevel,
    base: { app: 'switchboard-web' },
    redact: { paths: ['token', '*.token', 'headers.cookie', 'headers.authorization'], censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
  });
  const { startWebServer } = await import('./web-server.js');
  const web = await startWebServer(env, logger);
  logger.info(
    { url: web.url, api: env.apiUrl, apiTokenFrom: env.apiTokenFrom },
    `Switchboard dashboard: ${web.url} (sign in with the API token)`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    web.close().finally(() => process.exit(0));
    setTimeout(() => {
      logger.warn('open connections did not close within 3 s: exiting anyway');
      process.exit(0);
    }, 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Started through a shell (`npm run …`), a SIGTERM to npm can end the shell and leave this
  // process behind with a new parent: stop when the parent goes.
  const parent = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphanWatch);
    stop();
  }, 1000);
  orphanWatch.unref();
}

main().catch((err: unknown) => {
  if (err instanceof WebEnvError) {
    process.stderr.write(`Switchboard dashboard: configuration error\n${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`Switchboard dashboard failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
