import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeProcess, stopProcess, urlFromJsonLine } from './node-process';

describe('startNodeProcess', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-node-process-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string) => {
    const file = join(dir, name);
    writeFileSync(file, body);
    return file;
  };
  const ready = urlFromJsonLine(/listening/);

  it('resolves with the announced URL, passes only the given env (plus PATH), keeps logging, and stops', async () => {
    const entry = script(
      'server.js',
      `console.log('starting');
       console.log(JSON.stringify({ msg: 'listening on http://127.0.0.1:1234', url: 'http://127.0.0.1:1234' }));
       console.log('env ' + process.env.ONLY_THIS + ' ' + (process.env.NOT_PASSED ?? 'absent'));
       setInterval(() => {}, 1000);`,
    );
    process.env.NOT_PASSED = 'leak';
    const p = await startNodeProcess(entry, { ONLY_THIS: 'given' }, { name: 'server', urlFrom: ready });
    delete process.env.NOT_PASSED;
    expect(p.url).toBe('http://127.0.0.1:1234');
    for (let i = 0; i < 50 && !p.log.some((l) => l.startsWith('env ')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(p.log).toContain('env given absent');
    await p.stop();
    expect(p.child.signalCode ?? p.child.exitCode).not.toBeNull();
    await stopProcess(p.child); // stopping twice is harmless
  });

  it('rejects with the log when the process exits before it is ready', async () => {
    const entry = script('crash.js', `console.error('bad config: PORT'); process.exit(3);`);
    await expect(startNodeProcess(entry, {}, { name: 'crasher', urlFrom: ready })).rejects.toThrow(/crasher exited \(3\) before it was ready:\s+bad config: PORT/);
  });

  it('rejects and stops a process that never announces itself', async () => {
    const entry = script('silent.js', `setInterval(() => {}, 1000);`);
    await expect(startNodeProcess(entry, {}, { name: 'mute', urlFrom: ready, timeoutMs: 300 })).rejects.toThrow(/mute did not start in time/);
  });

  it('says what to do when the entry point is not built', async () => {
    await expect(startNodeProcess(join(dir, 'missing/main.js'), {}, { name: 'x', urlFrom: ready })).rejects.toThrow(/is missing: run `npm run build` first/);
  });
});

describe('urlFromJsonLine', () => {
  it('takes the url of a JSON line whose msg matches, and nothing else', () => {
    const f = urlFromJsonLine(/listening/);
    expect(f('{"msg":"listening on x","url":"http://h:1"}')).toBe('http://h:1');
    expect(f('{"msg":"other","url":"http://h:1"}')).toBeNull();
    expect(f('listening on http://h:1')).toBeNull();
    expect(f('{"msg":"listening"}')).toBeNull();
  });
});
