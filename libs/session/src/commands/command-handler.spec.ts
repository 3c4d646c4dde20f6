import { createSessionHarness, type SessionHarness } from '../testing/session-harness';
import { parseCommand } from './parse-command';
import { handleCommand, type CommandTarget } from './command-handler';
import { TEST_DIALECTS } from '../testing/test-database';

/** Commands for every door, run against the real session lib (the engine is one CommandTarget). */
describe.each(TEST_DIALECTS)('handleCommand on %s', (dialect) => {
  let h: SessionHarness;

  beforeAll(async () => {
    h = await createSessionHarness({
      dialect,
      engine: { commands: [{ name: 'memory', run: async ({ args }) => ({ text: `memory ${args.join(' ')}`.trim() }) }] },
    });
  });
  afterAll(() => h.close());

  async function run(target: CommandTarget, sessionId: string, text: string, wait = true) {
    const session = await h.repo.sessions.require(sessionId);
    return handleCommand(target, session, parseCommand(text)!, { text, wait });
  }

  it('/model with no argument lists the models and names the active one with its source', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'cmd1' });
    const r = await run(h.engine, s.id, '/model');
    expect(r).toMatchObject({ queued: false, command: { name: 'model', args: [], ok: true }, reply: { kind: 'command_reply' } });
    expect(r.reply!.content).toContain('Active model: Fake Main — global default');
    expect(r.reply!.content).toContain('→ main — Fake Main');
    // A command reply is not part of the conversation.
    expect(await h.engine.listMessages(s.id)).toEqual([]);
  });

  it('/model <ref> sets the override; with more text it also sends that text with the model; /model default clears it', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'cmd2' });
    expect((await run(h.engine, s.id, '/model fast')).reply!.content).toBe(
      'Model set to Fake Quick for this conversation (session override). Send /model default to follow the global default again.',
    );
    expect((await h.engine.getSession(s.id)).modelOverride).toBe('quick');

    const sent = await run(h.engine, s.id, '/model claude what is 2+2');
    expect(sent).toMatchObject({ queued: false, command: { name: 'model', ok: true }, reply: { modelConfigId: 'claude', content: 'Echo: what is 2+2' } });

    const cleared = await run(h.engine, s.id, '/model default');
    expect(cleared.reply!.content).toBe('Session override cleared. This conversation now follows the global default: Fake Main.');
    expect((await h.engine.getSession(s.id)).modelOverride).toBeNull();
  });

  it('an unknown model is a failed command, not an error; unknown commands list the known ones', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'cmd3' });
    const bad = await run(h.engine, s.id, '/model nope');
    expect(bad.command).toMatchObject({ ok: false });
    expect(bad.reply!.content).toContain('Unknown or disabled model "nope"');
    const unknown = await run(h.engine, s.id, '/frobnicate');
    expect(unknown.command).toMatchObject({ name: 'frobnicate', ok: false });
    expect(unknown.reply!.content).toMatch(/^Unknown command \/frobnicate\. Commands: \/help/);
  });

  it('/reasoning shows, turns on and off the session setting (a reasoning_change event); a bad argument is a failed command', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'cmd-reasoning' });
    expect((await h.engine.getSession(s.id)).showReasoning).toBe(false);
    expect((await run(h.engine, s.id, '/reasoning')).reply!.content).toMatch(/^Reasoning is off/);
    const before = (await h.engine.getSession(s.id)).version;
    const on = await run(h.engine, s.id, '/reasoning on');
    expect(on).toMatchObject({ command: { name: 'reasoning', args: ['on'], ok: true } });
    expect(on.reply!.content).toMatch(/^Reasoning is on/);
    const session = await h.engine.getSession(s.id);
    expect(session.showReasoning).toBe(true);
    expect(session.version).toBeGreaterThan(before);
    expect((await run(h.engine, s.id, '/reasoning')).reply!.content).toMatch(/^Reasoning is on/);
    expect((await run(h.engine, s.id, '/reasoning OFF')).reply!.content).toMatch(/^Reasoning is off/);
    expect((await h.engine.getSession(s.id)).showReasoning).toBe(false);
    const bad = await run(h.engine, s.id, '/reasoning maybe');
    expect(bad).toMatchObject({ command: { ok: false }, reply: { content: 'Send /reasoning on or /reasoning off.' } });
    // It is a conversation's setting: /reset clears it with the other overrides.
    await run(h.engine, s.id, '/reasoning on');
    await run(h.engine, s.id, '/reset');
    expect((await h.engine.getSession(s.id)).showReasoning).toBe(false);
  });

  it('/reset, /stop, /usage, /status and an extension command', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'cmd4' });
    await h.engine.send(s.id, { text: 'hello', model: 'quick', wait: true });
    expect((await run(h.engine, s.id, '/usage')).reply!.content).toMatch(/^Usage for this conversation\nPrimary: 1 calls/);
    expect((await run(h.engine, s.id, '/status')).reply!.content).toBe('Status: idle\nModel: Fake Quick (session override)\nQueued messages: 0');
    expect((await run(h.engine, s.id, '/stop')).reply!.content).toBe('Nothing is running.');
    expect((await run(h.engine, s.id, '/memory list')).reply!.content).toBe('memory list');

    await run(h.engine, s.id, '/reset');
    const after = await h.engine.getSession(s.id);
    expect(after).toMatchObject({ modelOverride: null, lastModelConfigId: null });
    expect(await h.engine.listMessages(s.id)).toEqual([]);
  });

  it('depends only on its narrow target: a stand-in target sees exactly the calls a command makes', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'cmd5' });
    const calls: string[] = [];
    const target: CommandTarget = {
      getSession: (id) => h.engine.getSession(id),
      models: () => h.engine.models(),
      setSessionModel: async (id, ref) => (calls.push(`set ${ref}`), h.engine.setSessionModel(id, ref)),
      clearSessionModel: async (id) => (calls.push('clear'), h.engine.clearSessionModel(id)),
      reset: async (id) => (calls.push('reset'), h.engine.getSession(id)),
      updateSession: async (id, req) => (calls.push(`update ${JSON.stringify(req)}`), h.engine.getSession(id)),
      usage: (id) => h.engine.usage(id),
      sendText: async (_id, req) => (calls.push(`send ${req.text} with ${req.model}`), { queued: false }),
      abort: async () => (calls.push('abort'), true),
      compact: async () => null,
      commandExtensions: new Map(),
    };
    await run(target, s.id, '/local');
    await run(target, s.id, '/model fast and then this');
    await run(target, s.id, '/new');
    expect((await run(target, s.id, '/stop')).reply!.content).toBe('Stopped. The partial reply is kept.');
    expect((await run(target, s.id, '/compact')).command).toMatchObject({ ok: false });
    await run(target, s.id, '/reasoning on');
    expect(calls).toEqual(['set local', 'set fast', 'send and then this with fast', 'reset', 'abort', 'update {"showReasoning":true}']);
  });
});
