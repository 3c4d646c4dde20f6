import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SwitchboardApiError, SwitchboardClient, type ModelsResponse, type Session } from '@switchboard/protocol';
import { apiTarget, dataDirOf } from './api-target';
import { migrateDb, type DatabaseKit } from './migrate-db';

const USAGE = `Usage: npm run switchboard -- <command> [args]

Commands:
  models                         list the model catalog and the global default
  default [model]                show, or set, the global default model (id, alias or tier)
  sessions [--channel C]         list sessions, newest activity first
  session <sessionId>            show one session: status, override, effective model
  model <sessionId> <model>      set a session's model override ("default" clears it)
  pending [--channel C]          list pending pairing requests (default channel: telegram)
  pair <code> [--channel C]      approve a pairing code: that user may talk to the assistant
  revoke <userId> [--channel C]  remove a user's access
  migrate-db --to <postgres-url> [--data-dir DIR]
                                 copy the data directory's SQLite database into an empty
                                 PostgreSQL database (stop the API first; no token needed)
  help                           show this help (also --help, -h)

Talks to the API at SWITCHBOARD_API_URL (default http://127.0.0.1:8787) with
SWITCHBOARD_API_TOKEN, or the token file in SWITCHBOARD_DATA_DIR (default ./data).
Start the API first: npm run api (or npm start) in the Switchboard directory.
Exit codes: 0 done, 1 refused or failed, 2 no token, 3 API (for migrate-db: the database) not reachable.`;

/** Exit codes, stable for scripts. */
export const EXIT = { OK: 0, FAILED: 1, NO_TOKEN: 2, UNREACHABLE: 3 } as const;

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** Why the API could not be reached at all (no HTTP answer), or null for any other error. */
function unreachableReason(err: unknown): string | null {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (!e) return null;
  if (e.name === 'TimeoutError') return 'no answer in time';
  const code = e.cause?.code;
  if (code && NETWORK_CODES[code]) return NETWORK_CODES[code];
  if (e.name === 'TypeError' && e.message === 'fetch failed') return code || e.cause?.message || 'could not connect';
  return null;
}

function unreachableMessage(url: string, reason: string): string {
  return [
    `Could not reach the Switchboard API at ${url} (${reason}).`,
    'Start it in the Switchboard directory with: npm run api   (or npm start for everything)',
    'If it runs elsewhere, set SWITCHBOARD_API_URL (and PORT if you changed it).',
  ].join('\n');
}

function modelLine(m: ModelsResponse['models'][number], def: string): string {
  const tags = [m.tier, ...m.aliases].filter(Boolean).join(', ');
  return `${m.id === def ? '*' : ' '} ${m.id.padEnd(16)} ${m.label}${tags ? `  [${tags}]` : ''}${m.enabled ? '' : '  (disabled)'}`;
}

function sessionLine(s: Session): string {
  const model = `${s.effectiveModel.label} (${s.effectiveModel.source})`;
  return `${s.id}  ${s.channel.padEnd(8)} ${s.status.padEnd(11)} ${model}  ${s.title ?? ''}`;
}

export interface CliDeps {
  /** The persistence layer and schema for migrate-db (the launcher loads them from the libs' builds). */
  databaseKit?: () => Promise<DatabaseKit>;
}

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, out: (s: string) => void, deps: CliDeps = {}): Promise<number> {
  let parsed: { positionals: string[]; values: { channel?: string; help?: boolean; to?: string; 'data-dir'?: string } };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { channel: { type: 'string' }, help: { type: 'boolean', short: 'h' }, to: { type: 'string' }, 'data-dir': { type: 'string' } },
    });
  } catch (err) {
    out(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT.FAILED;
  }
  const { positionals, values } = parsed;
  const [command, ...args] = positionals;
  if (values.help || command === 'help') {
    out(USAGE);
    return EXIT.OK;
  }
  if (!command) {
    out(USAGE);
    return EXIT.FAILED;
  }
  // Works on the files and databases directly: no API, no token.
  if (command === 'migrate-db') {
    if (!values.to) {
      out('migrate-db needs --to postgres://user:password@host:5432/database (an empty database).');
      return EXIT.FAILED;
    }
    if (!deps.databaseKit) {
      out('migrate-db runs from the launcher: npm run switchboard -- migrate-db --to postgres://…');
      return EXIT.FAILED;
    }
    const dataDir = values['data-dir'] ? resolve(values['data-dir']) : dataDirOf(env);
    return migrateDb({ dataDir, to: values.to, kit: await deps.databaseKit(), out });
  }
  const target = apiTarget(env);
  if (!target.token) {
    out(
      `No API token: set SWITCHBOARD_API_TOKEN, or run from the directory whose data folder holds the token file (looked for ${target.tokenFile}; the API writes it on its first start, or set SWITCHBOARD_DATA_DIR).`,
    );
    return EXIT.NO_TOKEN;
  }
  const client = new SwitchboardClient({ baseUrl: target.url, token: target.token, timeoutMs: 30_000 });
  const accessChannel = (values.channel ?? 'telegram') as Session['channel'];
  try {
    switch (command) {
      case 'models': {
        const m = await client.listModels();
        out(`Global default: ${m.defaultModel.label} (${m.defaultModel.modelConfigId}, ${m.defaultModel.source})`);
        for (const w of m.defaultModel.warnings) out(`  warning: ${w}`);
        for (const model of m.models) out(modelLine(model, m.defaultModel.modelConfigId));
        return EXIT.OK;
      }
      case 'default': {
        const m = args[0] ? await client.setDefaultModel(args[0]) : await client.listModels();
        out(`${args[0] ? 'Global default set to' : 'Global default:'} ${m.defaultModel.label} (${m.defaultModel.modelConfigId})`);
        for (const w of m.defaultModel.warnings) out(`  warning: ${w}`);
        return EXIT.OK;
      }
      case 'sessions': {
        const { sessions } = await client.listSessions(values.channel ? { channel: values.channel as Session['channel'] } : {});
        if (sessions.length === 0) out('No sessions.');
        for (const s of sessions) out(sessionLine(s));
        return EXIT.OK;
      }
      case 'session': {
        if (!args[0]) throw new Error('session needs a session id');
        const s = await client.getSession(args[0]);
        out(sessionLine(s));
        out(`override: ${s.modelOverride ?? '(none)'} · last model: ${s.lastModelConfigId ?? '(none)'} · queued: ${s.queueLength} · version ${s.version}`);
        return EXIT.OK;
      }
      case 'model': {
        if (!args[0] || !args[1]) throw new Error('model needs a session id and a model (or "default")');
        // The API gives `default` the same meaning (clear the override); DELETE says so explicitly.
        const s = args[1].trim().toLowerCase() === 'default' ? await client.clearSessionModel(args[0]) : await client.setSessionModel(args[0], args[1]);
        out(`Session ${s.id}: ${s.effectiveModel.label} (${s.effectiveModel.source})`);
        return EXIT.OK;
      }
      case 'pending': {
        const { pending } = await client.listPendingPairings(accessChannel);
        if (pending.length === 0) out(`No pending pairing requests on ${accessChannel}.`);
        for (const p of pending) {
          const who = [p.displayName, p.username ? '@' + p.username : null].filter(Boolean).join(' ');
          out(`${p.code}  user ${p.userId}${who ? ` (${who})` : ''}  expires ${p.expiresAt}`);
        }
        return EXIT.OK;
      }
      case 'pair': {
        if (!args[0]) throw new Error('pair needs the code the user was given');
        const { user } = await client.approvePairing(accessChannel, args[0]);
        out(`Approved: ${accessChannel} user ${user.userId}${user.username ? ` (@${user.username})` : ''} may now talk to the assistant.`);
        return EXIT.OK;
      }
      case 'revoke': {
        if (!args[0]) throw new Error('revoke needs a user id');
        const { revoked } = await client.revokeUser(accessChannel, args[0]);
        out(revoked ? `Revoked: ${accessChannel} user ${args[0]} no longer has access.` : `${accessChannel} user ${args[0]} had no access.`);
        return EXIT.OK;
      }
      default:
        out(`Unknown command "${command}".\n\n${USAGE}`);
        return EXIT.FAILED;
    }
  } catch (err) {
    if (err instanceof SwitchboardApiError) {
      out(`Error ${err.code}: ${err.message}`);
      return EXIT.FAILED;
    }
    const reason = unreachableReason(err);
    if (reason) {
      out(unreachableMessage(target.url, reason));
      return EXIT.UNREACHABLE;
    }
    if ((err as { code?: string }).code === 'ERR_INVALID_URL') {
      out(`SWITCHBOARD_API_URL is not a valid URL: "${target.url}" (e.g. http://127.0.0.1:8787).`);
      return EXIT.FAILED;
    }
    out(`Error: ${(err as Error).message}`);
    return EXIT.FAILED;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, (s) => process.stdout.write(s + '\n')).then((code) => {
    process.exitCode = code;
  });
}
