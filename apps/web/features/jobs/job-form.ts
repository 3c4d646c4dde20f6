import type { Job, Session } from '@switchboard/protocol';
import type { ApiErrorInfo } from '../../lib/api-errors';

/** Error text per form field (`_form` for what belongs to no field). */
export type JobFieldErrors = Record<string, string>;

const FIELDS = new Set(['name', 'cron', 'timezone', 'everySeconds', 'prompt', 'sessionId', 'session', 'model']);

/** Spreads an API error over the form's fields: VALIDATION_FAILED names them, INVALID_MODEL is the model's. */
export function jobFieldErrors(err: ApiErrorInfo): JobFieldErrors {
  const out: JobFieldErrors = {};
  if (err.code === 'INVALID_MODEL') return { model: err.message };
  const issues = Array.isArray(err.details?.issues) ? (err.details.issues as Array<{ field?: unknown; message?: unknown }>) : [];
  for (const i of issues) {
    const field = typeof i.field === 'string' ? i.field.split('.')[0] : '';
    const key = field === 'session' ? 'sessionId' : field;
    if (FIELDS.has(key) && !out[key] && typeof i.message === 'string') out[key] = i.message;
  }
  const field = typeof err.details?.field === 'string' ? err.details.field.split('.')[0] : '';
  const key = field === 'session' ? 'sessionId' : field;
  if (FIELDS.has(key) && !out[key]) out[key] = err.message.replace(new RegExp(`^${field}[^:]*: `), '');
  if (Object.keys(out).length === 0) out._form = err.message;
  return out;
}

/** The conversation a job runs in: by id, by channel + peer, or its own (`job` channel, peer = its name). */
export function findJobSession(job: Pick<Job, 'name' | 'sessionId' | 'session'>, sessions: Session[]): Session | undefined {
  if (job.sessionId) return sessions.find((s) => s.id === job.sessionId);
  const target = job.session ?? { channel: 'job' as const, peerId: job.name };
  return sessions.find((s) => s.channel === target.channel && s.peerId === target.peerId);
}
