/**
 * The benchmark's fake LLM, in a process of its own: the API reaches it across a process
 * boundary, so the direct baseline must too (a server in the bench's own event loop would make
 * the baseline cheaper than any real call). Forked by turn-overhead.ts; talks over IPC.
 */
import { fork } from 'node:child_process';
import { startFakeLlm, type FakeLlmLatency } from '../fake-llm';
import { stopProcess } from '../testing';

type Request = { type: 'reset' } | { type: 'request-bytes'; index: number };
type Reply = { type: 'listening'; baseUrl: string } | { type: 'request-bytes'; bytes: number | null } | { type: 'reset' };

/** The parent's handle on the forked fake LLM. */
export interface FakeLlmProcess {
  baseUrl: string;
  reset(): Promise<void>;
  /** Size of the n-th completion request body received since the last reset. */
  requestBytes(index: number): Promise<number | null>;
  close(): Promise<void>;
}

/** What the forked server is started with (JSON: no functions); `latency` per model name, '*' = every model. */
export interface ForkedFakeLlmOptions {
  defaultReply: string;
  chunkSize: number;
  latency?: Record<string, FakeLlmLatency>;
}

export async function forkFakeLlm(options: ForkedFakeLlmOptions): Promise<FakeLlmProcess> {
  const child = fork(__filename, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type: Reply['type']) =>
    new Promise<Reply>((resolve, reject) => {
      const onMessage = (m: Reply) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null) => reject(new Error(`fake LLM process exited (code ${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const listening = (await next('listening')) as Extract<Reply, { type: 'listening' }>;
  const ask = async (req: Request, type: Reply['type']) => {
    const reply = next(type);
    child.send(req);
    return reply;
  };
  return {
    baseUrl: listening.baseUrl,
    reset: async () => void (await ask({ type: 'reset' }, 'reset')),
    requestBytes: async (index) => ((await ask({ type: 'request-bytes', index }, 'request-bytes')) as Extract<Reply, { type: 'request-bytes' }>).bytes,
    close: () => stopProcess(child),
  };
}

async function serve(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ForkedFakeLlmOptions;
  const fake = await startFakeLlm(options);
  const send = (m: Reply) => process.send!(m);
  process.on('message', (m: Request) => {
    if (m.type === 'reset') {
      fake.reset();
      send({ type: 'reset' });
    } else {
      send({ type: 'request-bytes', bytes: fake.requests[m.index]?.bytes ?? null });
    }
  });
  process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
  send({ type: 'listening', baseUrl: fake.baseUrl });
}

if (require.main === module) void serve();
