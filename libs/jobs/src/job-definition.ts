import type { JobDefinition } from '@switchboard/protocol';
import { cronIssue, timezoneIssue, type JobSchedule } from './job-schedule';
import type { JobSpec, JobTarget } from './job.store';

/** A problem with one field of a job definition (`field` as in the request: `cron`, `timezone`, ...). */
export interface JobFieldIssue {
  field: string;
  message: string;
}

/** Where a job runs when it names no session: its own session on the `job` channel, keyed by its name. */
export function defaultJobTarget(name: string): JobTarget {
  return { channel: 'job', peerId: name };
}

/** What is wrong with a schedule beyond its shape: the cron expression and the time zone. */
export function scheduleIssues(schedule: JobSchedule): JobFieldIssue[] {
  if (schedule.kind === 'interval') return [];
  const issues: JobFieldIssue[] = [];
  const cron = cronIssue(schedule.cron);
  if (cron) issues.push({ field: 'cron', message: cron });
  const tz = schedule.timezone === null ? null : timezoneIssue(schedule.timezone);
  if (tz) issues.push({ field: 'timezone', message: tz });
  return issues;
}

/** The spec of a definition whose shape is already valid (zod), with the cron and time zone checked. */
export function jobSpecFrom(def: JobDefinition): { spec: JobSpec; issues: JobFieldIssue[] } {
  const schedule: JobSchedule =
    def.cron !== undefined ? { kind: 'cron', cron: def.cron, timezone: def.timezone ?? null } : { kind: 'interval', everySeconds: def.everySeconds! };
  const target: JobTarget = def.sessionId !== undefined ? { sessionId: def.sessionId } : (def.session ?? defaultJobTarget(def.name));
  return {
    spec: { name: def.name, schedule, prompt: def.prompt, target, model: def.model ?? null, enabled: def.enabled ?? true },
    issues: scheduleIssues(schedule),
  };
}
