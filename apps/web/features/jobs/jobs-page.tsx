'use client';
import Link from 'next/link';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { JOB_RUNS_KEPT, type CreateJobRequest, type Job, type JobRunStatus, type JobRunTrigger, type Session, type UpdateJobRequest } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { sessionTitle } from '../../lib/format';
import { useModels, useSessionList } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { scheduleInWords } from './schedule-words';
import { findJobSession, jobFieldErrors, type JobFieldErrors } from './job-form';

const STATUS_LABEL: Record<JobRunStatus, string> = {
  running: 'running',
  ok: 'ok',
  error: 'failed',
  interrupted: 'interrupted',
  missed: 'missed',
};
const STATUS_PILL: Record<JobRunStatus, string> = {
  running: 'pill--live',
  ok: 'pill--ok',
  error: 'pill--error',
  interrupted: 'pill--muted',
  missed: 'pill--muted',
};

const TRIGGER_LABEL: Record<JobRunTrigger, string> = {
  schedule: 'scheduled',
  manual: 'run now',
  catch_up: 'caught up',
};

/** Runs shown at first, and how many more each "Show more" asks for. */
const RUNS_FIRST = 5;
const RUNS_MORE = 10;

function when(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function useJobs() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.jobs,
    queryFn: () => api.client.listJobs(),
    // While a run is going, look again soon: a run ends without an event on this page.
    refetchInterval: (q) => (q.state.data?.jobs.some((j) => j.lastStatus === 'running') ? 1500 : 30_000),
  });
}

interface Draft {
  name: string;
  kind: 'cron' | 'every';
  cron: string;
  timezone: string;
  everySeconds: string;
  prompt: string;
  target: string; // '' = its own conversation, else a session id
  model: string; // '' = the chain decides
  enabled: boolean;
}

function draftOf(job: Job | null): Draft {
  return {
    name: job?.name ?? '',
    kind: job?.everySeconds != null ? 'every' : 'cron',
    cron: job?.cron ?? '0 8 * * 1-5',
    timezone: job?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    everySeconds: job?.everySeconds != null ? String(job.everySeconds) : '3600',
    prompt: job?.prompt ?? '',
    target: job?.sessionId ?? '',
    model: job?.model ?? '',
    enabled: job?.enabled ?? true,
  };
}

function bodyOf(d: Draft, editing: boolean): CreateJobRequest & UpdateJobRequest {
  const every = Number(d.everySeconds);
  const schedule =
    d.kind === 'cron'
      ? { cron: d.cron, timezone: d.timezone.trim() ? d.timezone.trim() : editing ? null : undefined }
      : { everySeconds: Number.isFinite(every) && d.everySeconds.trim() !== '' ? every : (Number.NaN as number), ...(editing ? { timezone: null } : {}) };
  const target = d.target ? { sessionId: d.target } : editing ? { session: { channel: 'job' as const, peerId: d.name.trim() } } : {};
  const model = d.model ? { model: d.model } : editing ? { model: null } : {};
  return { name: d.name, prompt: d.prompt, enabled: d.enabled, ...schedule, ...target, ...model } as CreateJobRequest & UpdateJobRequest;
}

function FieldError({ id, errors, field }: { id: string; errors: JobFieldErrors; field: string }) {
  return errors[field] ? (
    <p className="field-error" id={`${id}-${field}-error`} role="alert">
      {errors[field]}
    </p>
  ) : null;
}

function JobForm({ job, sessions, onDone }: { job: Job | null; sessions: Session[]; onDone: (job: Job | null) => void }) {
  const api = useApi();
  const qc = useQueryClient();
  const models = useModels();
  const id = useId();
  const [d, setD] = useState<Draft>(() => draftOf(job));
  const [errors, setErrors] = useState<JobFieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const described = (field: string) => (errors[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${field}-error` } : {});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const body = bodyOf(d, !!job);
      if (d.kind === 'every' && !Number.isInteger(body.everySeconds)) {
        setErrors({ everySeconds: 'Enter a whole number of seconds.' });
        return;
      }
      const saved = job ? await api.client.updateJob(job.id, body) : await api.client.createJob(body);
      await qc.invalidateQueries({ queryKey: queryKeys.jobs });
      onDone(saved);
    } catch (err) {
      setErrors(jobFieldErrors(apiErrorOf(err)));
    } finally {
      setBusy(false);
    }
  };

  const targets = sessions.filter((s) => s.channel !== 'job');
  return (
    <form className="card job-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>{job ? `Edit “${job.name}”` : 'New job'}</h2>
      {errors._form ? (
        <p className="notice notice--error" role="alert">
          {errors._form}
        </p>
      ) : null}
      <div className="field">
        <label className="field-label" htmlFor={`${id}-name`}>
          Name
        </label>
        <input id={`${id}-name`} value={d.name} onChange={(e) => set('name', e.target.value)} maxLength={100} required {...described('name')} />
        <FieldError id={id} errors={errors} field="name" />
      </div>
      <fieldset className="field job-form__schedule">
        <legend className="field-label">Schedule</legend>
        <div className="segmented" role="radiogroup" aria-label="Schedule kind">
          <label>
            <input type="radio" name={`${id}-kind`} checked={d.kind === 'cron'} onChange={() => set('kind', 'cron')} /> Cron expression
          </label>
          <label>
            <input type="radio" name={`${id}-kind`} checked={d.kind === 'every'} onChange={() => set('kind', 'every')} /> Every N seconds
          </label>
        </div>
        {d.kind === 'cron' ? (
          <div className="job-form__row">
            <div className="field">
              <label className="field-label" htmlFor={`${id}-cron`}>
                Cron
              </label>
              <input id={`${id}-cron`} className="mono" value={d.cron} onChange={(e) => set('cron', e.target.value)} {...described('cron')} />
              <p className="hint">minute hour day month weekday — now: {scheduleInWords({ cron: d.cron, timezone: d.timezone || null, everySeconds: null })}</p>
              <FieldError id={id} errors={errors} field="cron" />
            </div>
            <div className="field">
              <label className="field-label" htmlFor={`${id}-tz`}>
                Time zone
              </label>
              <input id={`${id}-tz`} value={d.timezone} onChange={(e) => set('timezone', e.target.value)} placeholder="UTC" {...described('timezone')} />
              <FieldError id={id} errors={errors} field="timezone" />
            </div>
          </div>
        ) : (
          <div className="field">
            <label className="field-label" htmlFor={`${id}-every`}>
              Seconds between runs
            </label>
            <input id={`${id}-every`} inputMode="numeric" value={d.everySeconds} onChange={(e) => set('everySeconds', e.target.value)} {...described('everySeconds')} />
            <FieldError id={id} errors={errors} field="everySeconds" />
          </div>
        )}
      </fieldset>
      <div className="field">
        <label className="field-label" htmlFor={`${id}-prompt`}>
          Prompt
        </label>
        <textarea id={`${id}-prompt`} rows={3} value={d.prompt} onChange={(e) => set('prompt', e.target.value)} {...described('prompt')} />
        <FieldError id={id} errors={errors} field="prompt" />
      </div>
      <div className="job-form__row">
        <div className="field">
          <label className="field-label" htmlFor={`${id}-target`}>
            Runs in
          </label>
          <select id={`${id}-target`} value={d.target} onChange={(e) => set('target', e.target.value)} {...described('sessionId')}>
            <option value="">Its own conversation</option>
            {targets.map((s) => (
              <option key={s.id} value={s.id}>
                {sessionTitle(s)}
              </option>
            ))}
          </select>
          <FieldError id={id} errors={errors} field="sessionId" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-model`}>
            Model
          </label>
          <select id={`${id}-model`} value={d.model} onChange={(e) => set('model', e.target.value)} {...described('model')}>
            <option value="">The conversation’s model</option>
            {(models.data?.models ?? [])
              .filter((m) => m.enabled)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
          </select>
          <FieldError id={id} errors={errors} field="model" />
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
      </label>
      <div className="job-form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {job ? 'Save changes' : 'Create job'}
        </button>
        <button type="button" className="btn btn--ghost" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A job's last runs, newest first, each with the conversation it used; "Show more" asks the API for more. */
function JobRuns({ job }: { job: Job }) {
  const api = useApi();
  const [limit, setLimit] = useState(RUNS_FIRST);
  const headId = `job-${job.id}-runs`;
  // The key follows the job's last run, so a run that starts or ends (seen by the jobs poll) refreshes the list.
  const { data, error, isFetching } = useQuery({
    queryKey: queryKeys.jobRuns(job.id, limit, job.lastRunAt, job.lastStatus),
    queryFn: () => api.client.listJobRuns(job.id, { limit }),
    placeholderData: keepPreviousData,
  });
  const runs = data?.runs ?? [];
  if (!data && !error) return null;
  return (
    <section className="job__runs" aria-labelledby={headId}>
      <h3 id={headId} className="job__runs-title">
        Last runs
      </h3>
      {error && !data ? <p className="notice notice--error">Could not load the runs: {apiErrorOf(error).message}</p> : null}
      {data && runs.length === 0 ? <p className="hint">No runs yet.</p> : null}
      {runs.length ? (
        <ol className="job__run-list" data-testid="job-runs">
          {runs.map((r) => (
            <li key={r.id} className="job__run" data-run-status={r.status}>
              <span className={`pill ${STATUS_PILL[r.status]}`}>{STATUS_LABEL[r.status]}</span>
              <time dateTime={r.startedAt}>{when(r.startedAt)}</time>
              <span className="muted">{TRIGGER_LABEL[r.trigger]}</span>
              {r.sessionId ? (
                <Link href={`/chat/${r.sessionId}`} aria-label={`Conversation of the run at ${when(r.startedAt)}`}>
                  conversation
                </Link>
              ) : null}
              {r.error ? (
                <span className="job__run-error" title={r.error}>
                  {r.error}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {runs.length >= limit && limit < JOB_RUNS_KEPT ? (
        <button type="button" className="btn btn--sm btn--ghost" onClick={() => setLimit((n) => Math.min(JOB_RUNS_KEPT, n + RUNS_MORE))} disabled={isFetching}>
          Show more
        </button>
      ) : null}
    </section>
  );
}

function JobCard({ job, sessions, onEdit }: { job: Job; sessions: Session[]; onEdit: () => void }) {
  const api = useApi();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [ran, setRan] = useState<string | null>(null);
  const conversation = findJobSession(job, sessions);
  const headId = `job-${job.id}`;
  const after = async () => {
    await qc.invalidateQueries({ queryKey: queryKeys.jobs });
    await qc.invalidateQueries({ queryKey: queryKeys.sessions });
  };
  const act = useMutation({
    mutationFn: async (what: 'toggle' | 'run' | 'delete') => {
      setError(null);
      if (what === 'toggle') await api.client.updateJob(job.id, { enabled: !job.enabled });
      if (what === 'delete') await api.client.deleteJob(job.id);
      if (what === 'run') {
        const r = await api.client.runJob(job.id, {});
        setRan(r.started ? 'Started — the reply appears in its conversation.' : 'Already running: runs of one job never overlap.');
      }
    },
    onError: (err) => setError(apiErrorOf(err).message),
    onSettled: after,
  });

  return (
    <li className="card job" aria-labelledby={headId} data-job={job.name}>
      <div className="job__head">
        <h2 id={headId} className="job__name">
          {job.name}
        </h2>
        <span className={`pill ${job.enabled ? 'pill--ok' : 'pill--muted'}`}>{job.enabled ? 'enabled' : 'disabled'}</span>
        <span className="pill pill--muted" title={job.source === 'config' ? 'Defined in the config file' : 'Created in the dashboard or over the API'}>
          {job.source === 'config' ? 'config file' : 'API'}
        </span>
      </div>
      <dl className="job__facts">
        <div>
          <dt>Schedule</dt>
          <dd>{scheduleInWords(job)}</dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd>{job.enabled ? when(job.nextRunAt) : 'not while disabled'}</dd>
        </div>
        <div>
          <dt>Last run</dt>
          <dd data-testid="last-run">
            {job.lastRunAt ? (
              <>
                {when(job.lastRunAt)} {job.lastStatus ? <span className={`pill ${STATUS_PILL[job.lastStatus]}`}>{STATUS_LABEL[job.lastStatus]}</span> : null}
              </>
            ) : (
              'never'
            )}
          </dd>
        </div>
        <div>
          <dt>Conversation</dt>
          <dd>
            {conversation ? (
              <Link href={`/chat/${conversation.id}`}>{sessionTitle(conversation)}</Link>
            ) : (
              <span className="muted">created on its first run</span>
            )}
          </dd>
        </div>
        {job.model ? (
          <div>
            <dt>Model</dt>
            <dd className="mono">{job.model}</dd>
          </div>
        ) : null}
      </dl>
      <p className="job__prompt">{job.prompt}</p>
      <JobRuns job={job} />
      {job.lastStatus === 'error' && job.lastError ? <p className="notice notice--error">Last run failed: {job.lastError}</p> : null}
      {ran ? (
        <p className="notice" role="status">
          {ran} {conversation ? <Link href={`/chat/${conversation.id}`}>Open the conversation</Link> : null}
        </p>
      ) : null}
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
      {job.source === 'config' ? (
        <p className="hint">This job comes from the config file (its <code>jobs</code> list): here it can be run, enabled or disabled; edit or remove it in the file.</p>
      ) : null}
      <div className="job__actions">
        <button type="button" className="btn btn--sm btn--primary" onClick={() => act.mutate('run')} disabled={act.isPending}>
          Run now
        </button>
        <button type="button" className="btn btn--sm" onClick={() => act.mutate('toggle')} disabled={act.isPending}>
          {job.enabled ? 'Disable' : 'Enable'}
        </button>
        {job.source === 'api' ? (
          <>
            <button type="button" className="btn btn--sm" onClick={onEdit}>
              Edit
            </button>
            {confirmDelete ? (
              <>
                <button type="button" className="btn btn--sm btn--danger" onClick={() => act.mutate('delete')} disabled={act.isPending}>
                  Delete “{job.name}”
                </button>
                <button type="button" className="btn btn--sm btn--ghost" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" className="btn btn--sm btn--ghost" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            )}
          </>
        ) : null}
      </div>
    </li>
  );
}

/** Scheduled jobs: what runs when, how the last run went and where its reply is; create, edit, run now. */
export function JobsPage() {
  const { data, error, isPending } = useJobs();
  const sessions = useSessionList().data?.sessions ?? [];
  const [editing, setEditing] = useState<Job | 'new' | null>(null);
  const jobs = data?.jobs ?? [];
  return (
    <div className="page">
      <header className="page__head page__head--row">
        <h1>Jobs</h1>
        {editing === null ? (
          <button type="button" className="btn btn--primary" onClick={() => setEditing('new')}>
            New job
          </button>
        ) : null}
      </header>
      {editing !== null ? (
        <JobForm key={editing === 'new' ? 'new' : editing.id} job={editing === 'new' ? null : editing} sessions={sessions} onDone={() => setEditing(null)} />
      ) : null}
      {isPending ? (
        <div className="skeleton-list">
          <div className="skeleton" />
        </div>
      ) : null}
      {error && !data ? <p className="notice notice--error">Could not load the jobs: {apiErrorOf(error).message}</p> : null}
      {data && jobs.length === 0 && editing === null ? (
        <section className="card empty-jobs">
          <h2>No scheduled jobs yet</h2>
          <p>
            A job sends a prompt to a conversation on a schedule — “every weekday at 08:00, give me a short brief for today” — and the reply arrives like any
            other: here, in Telegram or wherever that conversation lives. Each job can pick its own model.
          </p>
          <p className="hint">
            Create one here, over the API (<code>POST /api/v1/jobs</code>) or in the config file’s <code>jobs</code> list.
          </p>
        </section>
      ) : null}
      {jobs.length ? (
        <ul className="jobs" aria-label="Scheduled jobs">
          {jobs.map((j) => (
            <JobCard key={j.id} job={j} sessions={sessions} onEdit={() => setEditing(j)} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
