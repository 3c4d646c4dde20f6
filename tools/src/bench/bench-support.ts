import type { SwitchboardSocket } from '@switchboard/protocol';
import type { FakeLlmProcess } from './fake-llm-process';

/** Turns each benchmark conversation takes before the next one starts (histories stay short, as in real use). */
export const TURNS_PER_SESSION = 20;

/** The p-th percentile of sorted samples (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** One streaming chat completion straight to the fake LLM, read to the end: the baseline a turn is compared with. */
export async function directCall(fake: FakeLlmProcess, text: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${fake.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify({ model: 'bench-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: text }] }),
  });
  await res.text();
  return performance.now() - t0;
}

/** Hands out a conversation for each turn, opening a new one every TURNS_PER_SESSION turns. */
export class SessionPool {
  private current: { id: string; turns: number } | null = null;
  private n = 0;

  constructor(
    private readonly socket: SwitchboardSocket,
    private readonly prefix: string,
    /** Told about every conversation the pool opens. */
    private readonly onCreate?: (sessionId: string) => void,
  ) {}

  async next(): Promise<string> {
    if (!this.current || this.current.turns >= TURNS_PER_SESSION) {
      const s = await this.socket.call('session.create', { channel: 'api', peerId: `${this.prefix}-${this.n++}` });
      this.current = { id: s.id, turns: 0 };
      this.onCreate?.(s.id);
    }
    this.current.turns++;
    return this.current.id;
  }
}
