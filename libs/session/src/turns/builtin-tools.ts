import { z } from 'zod';
import type { ToolSpec, WebFetchConfig } from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import type { Delegator } from '../delegation/delegator';
import type { HostResolver } from '../tools/network-guard';
import { webFetchTool } from '../tools/web-fetch';

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const currentTimeInput = z.object({
  timezone: z.string().max(64).optional().describe('IANA time zone, e.g. Europe/Paris; defaults to UTC'),
});

/** What the built-in tools need; web_fetch is offered only when its config enables it. */
export interface BuiltinToolDeps {
  repo: SessionRepository;
  delegator: Delegator;
  now?: () => Date;
  webFetch?: WebFetchConfig;
  /** Host name resolution for web_fetch (tests); the system resolver otherwise. */
  resolveHost?: HostResolver;
}

/** The tools every turn may use: the time, facts about the session, a harder-thinking delegate and (when enabled) web_fetch. */
export function builtinTools(deps: BuiltinToolDeps): ToolSpec[] {
  const now = deps.now ?? (() => new Date());
  const currentTime: ToolSpec<z.infer<typeof currentTimeInput>> = {
    name: 'current_time',
    description: 'The current date and time, optionally in a given IANA time zone.',
    input: currentTimeInput,
    async execute(input) {
      const tz = input.timezone && validTimeZone(input.timezone) ? input.timezone : 'UTC';
      const d = now();
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'full', timeStyle: 'long' }).format(d);
      return { iso: d.toISOString(), timezone: tz, local, ...(input.timezone && tz !== input.timezone ? { note: `unknown time zone "${input.timezone}", used UTC` } : {}) };
    },
  };

  const sessionInfo: ToolSpec<Record<string, never>> = {
    name: 'session_info',
    description: 'Facts about this conversation: its channel, title, project, message count and queued messages.',
    input: z.object({}),
    async execute(_input, ctx) {
      const s = await deps.repo.sessions.require(ctx.sessionId);
      return {
        sessionId: s.id,
        channel: s.channel,
        title: s.title,
        projectId: s.projectId,
        messages: await deps.repo.messages.count(s.id),
        queued: await deps.repo.queue.count(s.id),
        createdAt: s.createdAt,
      };
    },
  };

  const complexInput = z.object({
    question: z.string().min(1).max(8000).describe('the hard question, self-contained'),
    context: z.string().max(20000).optional().describe('facts the expert needs'),
  });
  const complexReasoning: ToolSpec<z.infer<typeof complexInput>> = {
    name: 'complex_reasoning',
    description: 'Hands a hard, multi-step reasoning problem to a stronger model and returns its answer.',
    input: complexInput,
    async execute(input, ctx) {
      const r = await deps.delegator.run('complex_reasoning', {
        sessionId: ctx.sessionId,
        turnId: ctx.turnId,
        system: 'You are an expert reasoner. Think step by step, then give a clear, concise answer.',
        messages: [{ role: 'user', content: input.context ? `${input.question}\n\nContext:\n${input.context}` : input.question }],
        depth: 1,
        ...(ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {}),
      });
      return r ? { answer: r.text, model: r.modelConfigId } : { error: 'No model is available for complex reasoning.' };
    },
  };

  const tools = [currentTime as ToolSpec, sessionInfo as ToolSpec, complexReasoning as ToolSpec];
  if (deps.webFetch?.enabled) tools.push(webFetchTool(deps.webFetch, deps.resolveHost) as ToolSpec);
  return tools;
}
