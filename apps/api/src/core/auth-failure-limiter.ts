/**
 * Counts failed authentications per client address (HTTP and WebSocket alike) in a fixed
 * one-minute window; past the limit, the address is refused until the window ends. Bounded:
 * at most `maxAddresses` are tracked (the oldest window goes first).
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    /** Failures allowed per address per window (0 = no limit). */
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Records one failed authentication from an address. */
  record(address: string): void {
    if (this.perMinute <= 0) return;
    const now = this.now();
    const w = this.windows.get(address);
    if (w && w.endsAt > now) {
      w.count++;
      return;
    }
    if (w) this.windows.delete(address);
    if (this.windows.size >= this.maxAddresses) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(address, { count: 1, endsAt: now + this.windowMs });
  }

  /** Seconds the address must wait, or 0 when it may try. */
  blockedFor(address: string): number {
    if (this.perMinute <= 0) return 0;
    const w = this.windows.get(address);
    if (!w) return 0;
    const left = w.endsAt - this.now();
    if (left <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return w.count >= this.perMinute ? Math.ceil(left / 1000) : 0;
  }
}
