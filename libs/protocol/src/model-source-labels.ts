import type { ModelSource } from './schemas';

/**
 * How every door names the source of a model ("Fake Quick · session override"): the web UI,
 * the bot, command replies, engine-switch notes and resolution warnings read this one table.
 */
export const MODEL_SOURCE_LABELS: Readonly<Record<ModelSource, string>> = {
  explicit: 'chosen for this message',
  queued: 'queued with the message',
  job: 'scheduled job',
  session: 'session override',
  agent: 'agent profile',
  global: 'global default',
  builtin: 'built-in default',
};

/** The label of a resolution source; `unknown` when there is none. */
export function modelSourceLabel(source: ModelSource | null | undefined): string {
  return source ? MODEL_SOURCE_LABELS[source] : 'unknown';
}
