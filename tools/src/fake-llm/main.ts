/**
 * CLI entry: `node tools/dist/fake-llm/main.js --port 9999 [--host 127.0.0.1] [--latency-ms 200]
 * [--chunk-ms 20] [--chunk-size 8] [--api-key k]`. Each flag falls back to FAKE_LLM_<NAME> in the env.
 */
import { startFakeLlm } from './fake-llm.server';

function setting(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return process.env[`FAKE_LLM_${name.toUpperCase().replace(/-/g, '_')}`];
}

function numberSetting(name: string): number | undefined {
  const value = setting(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const server = await startFakeLlm({
    port: numberSetting('port') ?? 0,
    host: setting('host'),
    chunkSize: numberSetting('chunk-size'),
    apiKey: setting('api-key'),
    latency: { '*': { firstTokenMs: numberSetting('latency-ms') ?? 0, chunkMs: numberSetting('chunk-ms') ?? 0 } },
  });
  console.log(`fake-llm listening on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
