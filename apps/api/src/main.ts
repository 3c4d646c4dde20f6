import { startApi } from './app';
import { EnvError } from './config/api-env';

/** Entry point of `npm run api`: start, and stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const api = await startApi();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    try {
      await api.close();
    } finally {
      process.exitCode = 0;
      if (signal) setTimeout(() => process.exit(0), 200).unref();
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  const name = (err as Error)?.name;
  if (err instanceof EnvError || name === 'ConfigError') {
    process.stderr.write(`Switchboard API: configuration error\n${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`Switchboard API failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
