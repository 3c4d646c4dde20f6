import { startApi } from './app';
import { EnvError } from './config/api-env';

/** Entry point of `npm run api`: start, and stop on SIGINT/SIGTERM — gracefully, but always within the shutdown timeout. */
async function main(): Promise<void> {
  const api = await startApi();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      api.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    api.logger.info({ signal }, 'shutting down');
    const seconds = api.env.shutdownTimeoutSeconds;
    setTimeout(() => {
      api.logger.error({ seconds }, `graceful shutdown took over ${seconds} s: exiting anyway`);
      process.exit(1);
    }, seconds * 1000).unref();
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        api.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Started through a shell (`npm run …`), a SIGTERM to npm can end the shell and leave this
  // process behind with a new parent: stop when the parent goes.
  const parent = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphanWatch);
    stop('parent exited');
  }, 1000);
  orphanWatch.unref();
}

main().catch((err) => {
  const name = (err as Error)?.name;
  if (err instanceof EnvError || name === 'ConfigError') {
    process.stderr.write(`Switchboard API: configuration error\n${(err as Error).message}\n`);
    process.exit(2);
  }
  if (name === 'DatabaseUrlError') {
    // Where it tried (password redacted) and why: a stack trace adds nothing and could quote the URL.
    process.stderr.write(`Switchboard API: database error\n${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`Switchboard API failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
