/** A tool's input or output as text to show: strings as they are, anything else as indented JSON, cut at `max` characters. */
export function formatToolValue(value: unknown, max: number): { text: string; total: number } {
  let full: string;
  if (typeof value === 'string') full = value;
  else if (value === undefined) full = '(none)';
  else {
    try {
      full = JSON.stringify(value, null, 2) ?? String(value);
    } catch {
      full = String(value);
    }
  }
  if (full.length <= max) return { text: full, total: full.length };
  // Never cut a surrogate pair in half.
  const end = /[\uD800-\uDBFF]/.test(full[max - 1] ?? '') ? max - 1 : max;
  return { text: full.slice(0, end), total: full.length };
}

/** "12 ms", "1.4 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
