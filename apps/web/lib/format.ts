import { modelSourceLabel, type Channel, type ModelSource } from '@switchboard/protocol';

/** Why a model was used, in the words every door shows ("session override"): the shared table. */
export function sourceLabel(source: ModelSource | null | undefined): string {
  return modelSourceLabel(source);
}

/** "Fake Quick · session override" */
export function modelLine(label: string | null | undefined, source: ModelSource | null | undefined): string {
  return `${label ?? 'Unknown model'} · ${sourceLabel(source)}`;
}

const CHANNEL_LABELS: Record<Channel, string> = { web: 'Web', telegram: 'Telegram', api: 'API', job: 'Job' };
export function channelLabel(channel: Channel): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

/** "now", "5m", "3h", "2d", then a date. */
export function relativeTime(isoDate: string, now: number = Date.now()): string {
  const t = Date.parse(isoDate);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h}h`;
  const d = Math.round(h / 24);
  if (d < 7) return `${d}d`;
  return new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** 950 → "950", 12_400 → "12.4k", 3_200_000 → "3.2M" */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** 900 → "900 B", 12_345 → "12 KB", 3_400_000 → "3.2 MB" (binary units, as the API's limits are). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** USD with enough digits to see small amounts: $0, $0.0042, $1.23 */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

/** The conversation's title, or something readable when it has none yet. */
export function sessionTitle(s: { title: string | null; peerId: string; channel: Channel }): string {
  if (s.title) return s.title;
  if (s.channel === 'web') return 'New conversation';
  return `${channelLabel(s.channel)} · ${s.peerId}`;
}
