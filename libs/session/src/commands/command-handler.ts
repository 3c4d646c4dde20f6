import { randomUUID } from 'node:crypto';
import {
  isSwitchboardError,
  modelSourceLabel as sourceLabel,
  type Message,
  type ModelsResponse,
  type SendMessageRequest,
  type SendMessageResponse,
  type Session,
  type SessionUsage,
  type UpdateSessionRequest,
} from '@switchboard/protocol';
import type { SessionRecord } from '../store/session.store';
import { groupIdOf, type CommandExtension, type SendHooks } from '../engine/engine.types';
import { clearsModelOverride, COMMANDS, type ParsedCommand } from './parse-command';

/** What commands act on: the session's settings, its turns and its usage, nothing more. */
export interface CommandTarget {
  getSession(sessionId: string): Promise<Session>;
  models(): ModelsResponse;
  setSessionModel(sessionId: string, ref: string): Promise<Session>;
  clearSessionModel(sessionId: string): Promise<Session>;
  reset(sessionId: string): Promise<Session>;
  updateSession(sessionId: string, req: UpdateSessionRequest): Promise<Session>;
  usage(sessionId: string): Promise<SessionUsage>;
  /** Sends text as a conversation message (the rest of `/model fast what is 2+2`). */
  sendText(sessionId: string, req: SendMessageRequest, hooks?: SendHooks): Promise<SendMessageResponse>;
  abort(sessionId: string): Promise<boolean>;
  compact(sessionId: string): Promise<Message | null>;
  /** Commands contributed by other libs (e.g. /memory). */
  readonly commandExtensions: ReadonlyMap<string, CommandExtension>;
}

/**
 * Runs a parsed command for any door. Commands are never sent to a model; their reply comes
 * back as a `command_reply` message that is not stored in the conversation.
 */
export async function handleCommand(
  engine: CommandTarget,
  session: SessionRecord,
  command: ParsedCommand,
  req: SendMessageRequest,
  hooks: SendHooks = {},
): Promise<SendMessageResponse> {
  const name = command.name;
  const args = command.args;
  const done = (text: string, ok = true): SendMessageResponse => ({
    queued: false,
    command: { name, args, ok },
    reply: commandReply(session.id, text),
  });

  try {
    switch (name) {
      case 'help':
      case 'start':
        return done(helpText(name === 'start'));
      case 'model': {
        if (args.length === 0) return done(await modelStatus(engine, session.id));
        const ref = args[0];
        if (clearsModelOverride(ref)) {
          const s = await engine.clearSessionModel(session.id);
          return done(`Session override cleared. This conversation now follows the ${sourceLabel(s.effectiveModel.source)}: ${s.effectiveModel.label}.`);
        }
        // `/model fast what is 2+2` sets the override and sends the rest with that model.
        const s = await engine.setSessionModel(session.id, ref);
        const rest = req.text.trim().replace(/^\/\S+\s+\S+\s*/, '');
        if (rest || req.attachmentIds?.length) {
          const sent = await engine.sendText(
            session.id,
            { text: rest, model: ref, wait: req.wait, ...(req.attachmentIds?.length ? { attachmentIds: req.attachmentIds } : {}) },
            hooks,
          );
          return { ...sent, command: { name, args, ok: true } };
        }
        return done(`Model set to ${s.effectiveModel.label} for this conversation (session override). Send /model default to follow the global default again.`);
      }
      case 'local':
      case 'cloud': {
        const s = await engine.setSessionModel(session.id, name);
        return done(`Model set to ${s.effectiveModel.label} for this conversation (session override).`);
      }
      case 'reset':
      case 'new':
        await engine.reset(session.id);
        return done('Conversation reset: history and this session\'s model override are cleared.');
      case 'stop': {
        const stopped = await engine.abort(session.id);
        return done(stopped ? 'Stopped. The partial reply is kept.' : 'Nothing is running.');
      }
      case 'usage':
        return done(await usageText(engine, session.id));
      case 'compact': {
        const m = await engine.compact(session.id);
        return done(m ? m.content : 'Nothing to compact yet: the conversation is short.', Boolean(m));
      }
      case 'reasoning':
        return done(...(await reasoningSetting(engine, session.id, args[0])));
      case 'status': {
        const s = await engine.getSession(session.id);
        return done(
          [
            `Status: ${s.status}`,
            `Model: ${s.effectiveModel.label} (${sourceLabel(s.effectiveModel.source)})`,
            `Queued messages: ${s.queueLength}`,
          ].join('\n'),
        );
      }
      default: {
        const ext = engine.commandExtensions.get(name);
        if (ext) {
          const r = await ext.run({ sessionId: session.id, projectId: session.projectId, speaker: hooks.speaker ?? null, groupId: groupIdOf(session), args, argText: command.argText });
          return done(r.text, r.ok ?? true);
        }
        if (name === 'memory') return done('Memory is not enabled on this installation: nothing is remembered between conversations.', false);
        if (name === 'whoami') return done('People are not set up on this installation: everyone is served alike.', false);
        return done(`Unknown command /${name}. ${shortHelp()}`, false);
      }
    }
  } catch (err) {
    if (isSwitchboardError(err) && err.code === 'INVALID_MODEL') return done(err.message, false);
    throw err;
  }
}

async function modelStatus(engine: CommandTarget, sessionId: string): Promise<string> {
  const s = await engine.getSession(sessionId);
  const models = engine.models();
  const active = s.effectiveModel.modelConfigId;
  const lines = [`Active model: ${s.effectiveModel.label} — ${sourceLabel(s.effectiveModel.source)}`];
  if (s.effectiveModel.source === 'session' && models.defaultModel.modelConfigId !== active) {
    lines.push(
      `Note: a session override is in force; the global default is ${models.defaultModel.label}. Send /model default to follow it.`,
    );
  }
  for (const w of s.effectiveModel.warnings) lines.push(`⚠ ${w}`);
  lines.push('', 'Available models:');
  for (const m of models.models.filter((x) => x.enabled)) {
    const tags = [m.tier, ...m.aliases].filter(Boolean).join(', ');
    lines.push(`${m.id === active ? '→' : '•'} ${m.id} — ${m.label}${tags ? ` (${tags})` : ''}${m.id === active ? '  ← active' : ''}`);
  }
  lines.push('', 'Switch with /model <id|alias|tier>, /local, /cloud; /model default clears the override.');
  return lines.join('\n');
}

/** `/reasoning [on|off]`: whether doors that hide a reasoning model's thinking (Telegram) send it with each reply. */
async function reasoningSetting(engine: CommandTarget, sessionId: string, arg: string | undefined): Promise<[string, boolean]> {
  const word = arg?.toLowerCase();
  const on = word === 'on' || word === 'show' ? true : word === 'off' || word === 'hide' ? false : undefined;
  if (word !== undefined && on === undefined) return ['Send /reasoning on or /reasoning off.', false];
  const s = on === undefined ? await engine.getSession(sessionId) : await engine.updateSession(sessionId, { showReasoning: on });
  if (s.showReasoning) return ["Reasoning is on: a reasoning model's thinking comes with each reply, folded above it. Send /reasoning off to hide it.", true];
  return ["Reasoning is off: only the reply is sent. Send /reasoning on to see a reasoning model's thinking too (the dashboard always shows it, folded).", true];
}

async function usageText(engine: CommandTarget, sessionId: string): Promise<string> {
  const u = await engine.usage(sessionId);
  const fmt = (x: { inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: number; calls: number }) =>
    `${x.calls} calls · ${x.inputTokens} in / ${x.outputTokens} out${x.cachedTokens ? ` (${x.cachedTokens} cached)` : ''} · $${x.costUsd.toFixed(4)}`;
  const lines = [`Usage for this conversation`, `Primary: ${fmt(u.primary)}`];
  for (const [role, x] of Object.entries(u.delegation)) lines.push(`${role}: ${fmt(x)}`);
  lines.push(`Total: ${fmt(u.total)}`);
  return lines.join('\n');
}

function helpText(welcome: boolean): string {
  const lines = welcome ? ['Hi! I\'m Switchboard, your assistant. Just send a message to talk to me.', ''] : [];
  lines.push('Commands:');
  for (const c of COMMANDS) lines.push(`${c.usage} — ${c.description}`);
  return lines.join('\n');
}

function shortHelp(): string {
  return `Commands: ${COMMANDS.map((c) => '/' + c.name).join(', ')}. Send /help for details.`;
}

function commandReply(sessionId: string, content: string): Message {
  return {
    id: randomUUID(),
    sessionId,
    seq: 0,
    turnId: null,
    role: 'system',
    kind: 'command_reply',
    content,
    parts: [{ type: 'text', text: content }],
    status: 'complete',
    modelConfigId: null,
    modelSource: null,
    modelLabel: null,
    warnings: [],
    usage: null,
    event: null,
    createdAt: new Date().toISOString(),
  };
}
