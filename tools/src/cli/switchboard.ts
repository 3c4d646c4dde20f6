import { parseArgs } from 'node:util';
import { SwitchboardApiError, SwitchboardClient, type ModelsResponse, type Session } from '@switchboard/protocol';
import { apiTarget } from './api-target';

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

Talks to the API at SWITCHBOARD_API_URL (default http://127.0.0.1:8787) with
SWITCHBOARD_API_TOKEN, or the token file in SWITCHBOARD_DATA_DIR (default ./data).`;

function modelLine(m: ModelsResponse['models'][number], def: string): string {
  const tags = [m.tier, ...m.aliases].filter(Boolean).join(', ');
  return `${m.id === def ? '*' : ' '} ${m.id.padEnd(16)} ${m.label}${tags ? `  [${tags}]` : ''}${m.enabled ? '' : '  (disabled)'}`;
}

function sessionLine(s: Session): string {
  const model = `${s.effectiveModel.label} (${s.effectiveModel.source})`;
  return `${s.id}  ${s.channel.padEnd(8)} ${s.status.padEnd(11)} ${model}  ${s.title ?? ''}`;
}

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, out: (s: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { channel: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    out(USAGE);
    return command || values.help ? 0 : 1;
  }
  const target = apiTarget(env);
  if (!target.token) {
    out(`No API token: set SWITCHBOARD_API_TOKEN or run from the directory whose ./data holds the api-token file.`);
    return 2;
  }
  const client = new SwitchboardClient({ baseUrl: target.url, token: target.token });
  const accessChannel = (values.channel ?? 'telegram') as Session['channel'];
  try {
    switch (command) {
      case 'models': {
        const m = await client.listModels();
        out(`Global default: ${m.defaultModel.label} (${m.defaultModel.modelConfigId}, ${m.defaultModel.source})`);
        for (const model of m.models) out(modelLine(model, m.defaultModel.modelConfigId));
        return 0;
      }
      case 'default': {
        const m = args[0] ? await client.setDefaultModel(args[0]) : await client.listModels();
        out(`${args[0] ? 'Global default set to' : 'Global default:'} ${m.defaultModel.label} (${m.defaultModel.modelConfigId})`);
        return 0;
      }
      case 'sessions': {
        const { sessions } = await client.listSessions(values.channel ? { channel: values.channel as Session['channel'] } : {});
        if (sessions.length === 0) out('No sessions.');
        for (const s of sessions) out(sessionLine(s));
        return 0;
      }
      case 'session': {
        if (!args[0]) throw new Error('session needs a session id');
        const s = await client.getSession(args[0]);
        out(sessionLine(s));
        out(`override: ${s.modelOverride ?? '(none)'} · last model: ${s.lastModelConfigId ?? '(none)'} · queued: ${s.queueLength} · version ${s.version}`);
        return 0;
      }
      case 'model': {
        if (!args[0] || !args[1]) throw new Error('model needs a session id and a model (or "default")');
        const s = args[1].toLowerCase() === 'default' ? await client.clearSessionModel(args[0]) : await client.setSessionModel(args[0], args[1]);
        out(`Session ${s.id}: ${s.effectiveModel.label} (${s.effectiveModel.source})`);
        return 0;
      }
      case 'pending': {
        const { pending } = await client.listPendingPairings(accessChannel);
        if (pending.length === 0) out(`No pending pairing requests on ${accessChannel}.`);
        for (const p of pending) {
          const who = [p.displayName, p.username ? '@' + p.username : null].filter(Boolean).join(' ');
          out(`${p.code}  user ${p.userId}${who ? ` (${who})` : ''}  expires ${p.expiresAt}`);
        }
        return 0;
      }
      case 'pair': {
        if (!args[0]) throw new Error('pair needs the code the user was given');
        const { user } = await client.approvePairing(accessChannel, args[0]);
        out(`Approved: ${accessChannel} user ${user.userId}${user.username ? ` (@${user.username})` : ''} may now talk to the assistant.`);
        return 0;
      }
      case 'revoke': {
        if (!args[0]) throw new Error('revoke needs a user id');
        const { revoked } = await client.revokeUser(accessChannel, args[0]);
        out(revoked ? `Revoked: ${accessChannel} user ${args[0]} no longer has access.` : `${accessChannel} user ${args[0]} had no access.`);
        return 0;
      }
      default:
        out(`Unknown command "${command}".\n\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    if (err instanceof SwitchboardApiError) out(`Error ${err.code}: ${err.message}`);
    else out(`Error: ${(err as Error).message}${(err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED' ? ` (is the API running at ${target.url}?)` : ''}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, (s) => process.stdout.write(s + '\n')).then((code) => {
    process.exitCode = code;
  });
}
