import { z } from 'zod';
import { channelSchema, LIMITS } from './schemas';

/** Limits of scheduled jobs, shared by the API, the config file and clients. */
export const JOB_LIMITS = {
  maxNameChars: 100,
  maxCronChars: 200,
  maxTimezoneChars: 100,
  /** An interval longer than a year is almost certainly a typo. */
  maxEverySeconds: 366 * 24 * 3600,
} as const;

const isoDate = z.string().describe('ISO 8601 timestamp');
const modelRef = z.string().trim().min(1).max(LIMITS.maxModelRefChars).describe('a model id, an alias or a tier');

/** A job's own session, by door and peer (get-or-created on each run). */
export const jobSessionTargetSchema = z
  .object({
    channel: channelSchema,
    peerId: z.string().trim().min(1).max(LIMITS.maxPeerIdChars),
  })
  .strict();
export type JobSessionTarget = z.infer<typeof jobSessionTargetSchema>;

const jobFields = {
  name: z.string().trim().min(1).max(JOB_LIMITS.maxNameChars).describe('unique; config jobs are matched by name'),
  cron: z
    .string()
    .trim()
    .min(1)
    .max(JOB_LIMITS.maxCronChars)
    .describe('a cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first'),
  timezone: z.string().trim().min(1).max(JOB_LIMITS.maxTimezoneChars).describe('IANA time zone of the cron expression (default UTC)'),
  everySeconds: z.number().int().min(1).max(JOB_LIMITS.maxEverySeconds).describe('run every N seconds (instead of cron)'),
  prompt: z
    .string()
    .min(1)
    .max(LIMITS.maxMessageChars)
    .refine((t) => t.trim().length > 0, 'prompt must not be blank')
    .describe('the message sent to the session on each run'),
  session: jobSessionTargetSchema.describe('run in the session of this channel + peer (default: channel "job", peer = the job name)'),
  sessionId: z.string().trim().min(1).max(100).describe('run in this existing session'),
  model: modelRef.describe('the job level of the model resolution chain: a model id, alias or tier'),
  enabled: z.boolean(),
};

interface ShapeIssue {
  path: string[];
  message: string;
}

/** Cross-field rules of a job: exactly one schedule, a time zone only with cron, at most one target. */
export function jobShapeIssues(job: {
  cron?: string | null;
  everySeconds?: number | null;
  timezone?: string | null;
  session?: unknown;
  sessionId?: string | null;
}, opts: { partial?: boolean } = {}): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  const hasCron = job.cron != null;
  const hasEvery = job.everySeconds != null;
  if (hasCron && hasEvery) issues.push({ path: ['everySeconds'], message: 'set either cron or everySeconds, not both' });
  if (!opts.partial && !hasCron && !hasEvery) issues.push({ path: ['cron'], message: 'a job needs a schedule: set cron or everySeconds' });
  if (!opts.partial && job.timezone != null && !hasCron) issues.push({ path: ['timezone'], message: 'timezone only applies to a cron schedule' });
  if (opts.partial && job.timezone != null && hasEvery) issues.push({ path: ['timezone'], message: 'timezone only applies to a cron schedule' });
  if (job.session != null && job.sessionId != null) issues.push({ path: ['sessionId'], message: 'set either session or sessionId, not both' });
  return issues;
}

/** A job definition: what `POST /api/v1/jobs` takes and what the config file's `jobs` array holds. */
export const jobDefinitionSchema = z
  .object({
    name: jobFields.name,
    cron: jobFields.cron.optional(),
    timezone: jobFields.timezone.optional(),
    everySeconds: jobFields.everySeconds.optional(),
    prompt: jobFields.prompt,
    session: jobFields.session.optional(),
    sessionId: jobFields.sessionId.optional(),
    model: jobFields.model.optional(),
    enabled: jobFields.enabled.optional().describe('default true'),
  })
  .strict()
  .superRefine((job, ctx) => {
    for (const issue of jobShapeIssues(job)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type JobDefinition = z.infer<typeof jobDefinitionSchema>;

export const createJobRequestSchema = jobDefinitionSchema;
export type CreateJobRequest = JobDefinition;

/**
 * A partial update. Setting `cron` switches the job to cron (clearing `everySeconds`) and the
 * reverse; `session` / `sessionId` replace the target; `model` or `timezone` null clears them.
 */
export const updateJobRequestSchema = z
  .object({
    name: jobFields.name.optional(),
    cron: jobFields.cron.optional(),
    timezone: jobFields.timezone.nullable().optional(),
    everySeconds: jobFields.everySeconds.optional(),
    prompt: jobFields.prompt.optional(),
    session: jobFields.session.optional(),
    sessionId: jobFields.sessionId.optional(),
    model: jobFields.model.nullable().optional(),
    enabled: jobFields.enabled.optional(),
  })
  .strict()
  .superRefine((job, ctx) => {
    for (const issue of jobShapeIssues(job, { partial: true })) ctx.addIssue({ code: 'custom', ...issue });
  });
export type UpdateJobRequest = z.infer<typeof updateJobRequestSchema>;

export const runJobRequestSchema = z
  .object({ wait: z.boolean().optional().describe('return once the run has finished (its reply is complete)') })
  .strict();
export type RunJobRequest = z.infer<typeof runJobRequestSchema>;

/** How the last run went: `missed` = skipped by the missed-run policy; `interrupted` = a restart cut it short. */
export const jobRunStatusSchema = z.enum(['running', 'ok', 'error', 'interrupted', 'missed']);
export type JobRunStatus = z.infer<typeof jobRunStatusSchema>;

export const jobSourceSchema = z.enum(['config', 'api']);
export type JobSource = z.infer<typeof jobSourceSchema>;

export const jobSchema = z.object({
  id: z.string(),
  name: z.string(),
  cron: z.string().nullable(),
  timezone: z.string().nullable(),
  everySeconds: z.number().int().nullable(),
  prompt: z.string(),
  sessionId: z.string().nullable().describe('the target session, when the job targets one by id'),
  session: jobSessionTargetSchema.nullable().describe('the target channel + peer, when the job targets one that way'),
  model: z.string().nullable(),
  enabled: z.boolean(),
  source: jobSourceSchema.describe('config jobs come from the config file: they can be disabled over the API, not edited or deleted'),
  nextRunAt: isoDate.nullable().describe('null while disabled'),
  lastRunAt: isoDate.nullable(),
  lastStatus: jobRunStatusSchema.nullable(),
  lastError: z.string().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Job = z.infer<typeof jobSchema>;

export const jobsResponseSchema = z.object({ jobs: z.array(jobSchema) });
export type JobsResponse = z.infer<typeof jobsResponseSchema>;

export const runJobResponseSchema = z.object({
  started: z.boolean().describe('false when the job was already running (runs of one job never overlap)'),
  job: jobSchema,
});
export type RunJobResponse = z.infer<typeof runJobResponseSchema>;

/** What started a run: its schedule, "run now", or the catch-up of a run missed while the server was down. */
export const jobRunTriggerSchema = z.enum(['schedule', 'manual', 'catch_up']);
export type JobRunTrigger = z.infer<typeof jobRunTriggerSchema>;

/** How many runs the API keeps per job (older ones are pruned). */
export const JOB_RUNS_KEPT = 50;

/** One run of a job, from its run history. */
export const jobRunSchema = z.object({
  id: z.string(),
  startedAt: isoDate,
  finishedAt: isoDate.nullable().describe('null while running'),
  status: jobRunStatusSchema,
  error: z.string().nullable().describe('a short error, secrets scrubbed'),
  sessionId: z.string().nullable().describe('the conversation the run used (it may have been deleted since)'),
  trigger: jobRunTriggerSchema,
});
export type JobRun = z.infer<typeof jobRunSchema>;

export const listJobRunsQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(JOB_RUNS_KEPT).optional().describe(`at most ${JOB_RUNS_KEPT}, default 20`) })
  .strict();
export type ListJobRunsQuery = z.infer<typeof listJobRunsQuerySchema>;

export const jobRunsResponseSchema = z.object({ runs: z.array(jobRunSchema).describe('newest first') });
export type JobRunsResponse = z.infer<typeof jobRunsResponseSchema>;
