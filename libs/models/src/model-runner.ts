import type {
  JSONSchema7,
  LanguageModelV3,
  LanguageModelV3FilePart,
  LanguageModelV3TextPart,
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3Usage,
  SharedV3ProviderOptions,
} from '@ai-sdk/provider';
import { z } from 'zod';
import { secretScrubber, type ContentPart } from '@switchboard/protocol';
import { estimateCost, type TokenUsage } from './cost';
import { configSecrets, type LoadedConfig } from './load-config';
import type { ModelCatalog } from './model-catalog';
import { toProviderCallError } from './providers/classify-provider-error';
import { createKeepAliveFetch } from './providers/keep-alive-fetch';
import { ProviderRegistry } from './providers/provider-registry';
import { TokenCounters } from './token-counter';
import { estimateMessagesTokens, estimateTokens, type CountTokens } from './tokens';
import type { ToolContext, ToolSpec } from './tool-spec';
import type { ChatMessage, ChatToolCall } from './chat-message';
import type { CallSettings, ClientToolSpec, RunRequest, RunResult, ToolChoice } from './run-events';


export interface ModelRunnerOptions {
  config: LoadedConfig;
  catalog: ModelCatalog;
  /** Replaces the keep-alive fetch every provider call uses (tests, proxies). */
  fetch?: typeof fetch;
  /** Token counters to calibrate from reported usage (default: the runner's own). */
  tokens?: TokenCounters;
}


interface StepOutcome {
  text: string;
  reasoning: string;
  /** What the provider attached to its reasoning (Anthropic's signature), to send it back within the turn. */
  reasoningMetadata: SharedV3ProviderOptions | undefined;
  toolCalls: Array<{ toolCallId: string; toolName: string; input: string }>;
  usage: LanguageModelV3Usage | undefined;
  finishReason: string;
}

/**
 * Runs one model call on the AI SDK provider layer (LanguageModelV3.doStream): streaming
 * deltas, usage and cost, a lean tool loop, abort as a normal outcome, provider failures as
 * ProviderCallError. It never retries: retries and fallbacks live in one layer above.
 */
export class ModelRunner {
  private readonly registry: ProviderRegistry;
  private readonly catalog: ModelCatalog;
  private readonly toolSchemas = new WeakMap<ToolSpec, LanguageModelV3FunctionTool>();
  /** Scrubs the configured keys and secret shapes from provider error messages. */
  private readonly scrub: (text: string) => string;
  /** Per-model token counters, calibrated by the input tokens each call reports. */
  readonly tokens: TokenCounters;

  constructor(options: ModelRunnerOptions) {
    this.catalog = options.catalog;
    this.tokens = options.tokens ?? new TokenCounters(options.catalog);
    this.scrub = secretScrubber(configSecrets(options.config));
    this.registry = new ProviderRegistry(options.config, { fetch: options.fetch ?? createKeepAliveFetch() });
  }

  /** Streams a reply, calling onDelta per text delta; resolves with `aborted: true` and the partial text on abort. */
  async stream(req: RunRequest): Promise<RunResult> {
    const model = this.registry.languageModel(req.modelConfigId);
    const prompt = toPrompt(req, this.isAnthropic(req.modelConfigId), this.inputsOf(req.modelConfigId));
    if (req.clientTools?.length) return this.streamForClientTools(model, req, prompt);
    const tools = req.tools?.length ? req.tools : undefined;
    const maxSteps = tools ? Math.max(1, (req.maxToolIterations ?? 6) + 1) : 1;
    const parts: ContentPart[] = [];
    const usages: LanguageModelV3Usage[] = [];
    let text = '';
    let reasoning = '';
    let finishReason = 'unknown';
    let steps = 0;

    while (steps < maxSteps) {
      steps++;
      // On the last allowed step, tools are withheld so the model has to answer.
      const offerTools = tools && steps < maxSteps ? tools : undefined;
      let step: StepOutcome;
      try {
        step = await this.step(model, req, prompt, offerTools, (delta) => {
          text += delta;
          req.onDelta?.(delta);
        });
      } catch (error) {
        if (error instanceof CallbackError) throw error.error;
        if (req.abortSignal?.aborted) return this.abortOutcome(req, text, parts, usages, steps);
        const failure = toProviderCallError(error, req.modelConfigId, text, this.scrub);
        // A refusal that says how many tokens the prompt was calibrates our counts like a usage report.
        const counted = steps === 1 ? refusedPromptTokens(failure.message) : undefined;
        if (counted !== undefined) this.tokens.observe(req.modelConfigId, { system: req.system, messages: req.messages }, counted);
        throw failure;
      }
      if (step.usage) usages.push(step.usage);
      reasoning += step.reasoning;
      // The first step's prompt is exactly the request's: what the provider counted for it calibrates our counts.
      if (steps === 1) this.calibrate(req, step.usage);
      finishReason = step.finishReason;
      if (step.toolCalls.length === 0 || !offerTools) break;

      // Run the tools, give the results back, and go round again.
      prompt.push({
        role: 'assistant',
        content: [
          // Signed thinking (Anthropic) must come back with the tool call it led to; unsigned reasoning
          // is not sent back (some OpenAI-compatible servers refuse reasoning_content in a request).
          ...(step.reasoning && step.reasoningMetadata ? [{ type: 'reasoning' as const, text: step.reasoning, providerOptions: step.reasoningMetadata }] : []),
          ...(step.text ? [{ type: 'text' as const, text: step.text }] : []),
          ...step.toolCalls.map((c) => ({ type: 'tool-call' as const, toolCallId: c.toolCallId, toolName: c.toolName, input: safeJson(c.input) })),
        ],
      });
      const results: LanguageModelV3Message = { role: 'tool', content: [] };
      for (const call of step.toolCalls) {
        const input = safeJson(call.input);
        parts.push({ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input });
        const { output, ok, durationMs } = await this.runTool(offerTools, call.toolCallId, call.toolName, input, req);
        parts.push({ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output, ...(ok ? {} : { isError: true }), durationMs });
        results.content.push({
          type: 'tool-result',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output: typeof output === 'string' ? { type: 'text', value: output } : { type: 'json', value: (output ?? null) as never },
        });
      }
      prompt.push(results);
      if (req.abortSignal?.aborted) return this.abortOutcome(req, text, parts, usages, steps);
    }
    if (text) parts.push({ type: 'text', text });
    // The model's reasoning is kept as its own part, first, apart from the reply's text.
    if (reasoning) parts.unshift({ type: 'reasoning', text: reasoning });
    return this.result(req, text, usages, finishReason, false, parts, steps);
  }

  /** One step offering the caller's own tools: their calls are returned, never run here (the client owns the loop). */
  private async streamForClientTools(model: LanguageModelV3, req: RunRequest, prompt: LanguageModelV3Prompt): Promise<RunResult> {
    let text = '';
    let step: StepOutcome;
    try {
      step = await this.step(model, req, prompt, undefined, (delta) => {
        text += delta;
        req.onDelta?.(delta);
      });
    } catch (error) {
      if (error instanceof CallbackError) throw error.error;
      if (req.abortSignal?.aborted) return this.abortOutcome(req, text, [], [], 1);
      throw toProviderCallError(error, req.modelConfigId, text, this.scrub);
    }
    const toolCalls: ChatToolCall[] = step.toolCalls.map((c) => ({ id: c.toolCallId, name: c.toolName, arguments: c.input || '{}' }));
    const parts: ContentPart[] = toolCalls.map((c) => ({ type: 'tool-call', toolCallId: c.id, toolName: c.name, input: safeJson(c.arguments) }));
    if (text) parts.push({ type: 'text', text });
    const result = this.result(req, text, step.usage ? [step.usage] : [], step.finishReason, false, parts, 1);
    return toolCalls.length ? { ...result, toolCalls } : result;
  }

  /** The token counter to budget a model's prompts with (a tokenizer, or an estimate calibrated by its usage). */
  tokenCounter(modelConfigId: string): CountTokens {
    return this.tokens.forModel(modelConfigId);
  }

  /** The model's reasoning effort as its provider takes it (none for models without one). */
  private reasoningOptions(modelConfigId: string): SharedV3ProviderOptions | undefined {
    const model = this.catalog.get(modelConfigId);
    if (!model?.reasoningEffort) return undefined;
    switch (this.catalog.providerType(model.provider)) {
      case 'openai-compatible':
        return { openaiCompatible: { reasoningEffort: model.reasoningEffort } };
      case 'anthropic':
        return { anthropic: { thinking: { type: 'enabled', budgetTokens: ANTHROPIC_THINKING_BUDGET[model.reasoningEffort] } } };
      default:
        return undefined;
    }
  }

  /** What the model reads: files it cannot read reach it as text (a PDF's text, or a note naming the file). */
  private inputsOf(modelConfigId: string): FileInputs {
    return { image: this.catalog.accepts(modelConfigId, 'image'), pdf: this.catalog.accepts(modelConfigId, 'pdf') };
  }

  private isAnthropic(modelConfigId: string): boolean {
    const provider = this.catalog.get(modelConfigId)?.provider;
    return provider !== undefined && this.catalog.providerType(provider) === 'anthropic';
  }

  private calibrate(req: Pick<RunRequest, 'modelConfigId' | 'system' | 'messages'>, usage: LanguageModelV3Usage | undefined): void {
    const reported = usage?.inputTokens.total;
    if (reported !== undefined) this.tokens.observe(req.modelConfigId, { system: req.system, messages: req.messages }, reported);
  }

  /** One non-streaming call without tools (delegated side work); same result shape and errors as stream(). */
  async generate(req: Omit<RunRequest, 'onDelta' | 'tools'>): Promise<RunResult> {
    const model = this.registry.languageModel(req.modelConfigId);
    try {
      const r = await model.doGenerate({
        prompt: toPrompt(req, this.isAnthropic(req.modelConfigId), this.inputsOf(req.modelConfigId)),
        ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
        ...(req.abortSignal ? { abortSignal: req.abortSignal } : {}),
      });
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      this.calibrate(req, r.usage);
      return this.result(req, text, [r.usage], r.finishReason.unified, false, text ? [{ type: 'text', text }] : [], 1);
    } catch (error) {
      if (req.abortSignal?.aborted) return this.abortOutcome(req, '', [], [], 1);
      throw toProviderCallError(error, req.modelConfigId, '', this.scrub);
    }
  }

  private async step(
    model: LanguageModelV3,
    req: RunRequest,
    prompt: LanguageModelV3Prompt,
    tools: ToolSpec[] | undefined,
    onText: (delta: string) => void,
  ): Promise<StepOutcome> {
    const settings = callSettingsOptions(req.callSettings);
    const providerOptions = mergeProviderOptions(settings.providerOptions, this.reasoningOptions(req.modelConfigId));
    const options: LanguageModelV3CallOptions = {
      prompt,
      ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
      ...settings,
      ...(providerOptions ? { providerOptions } : {}),
      ...(tools ? { tools: tools.map((t) => this.toolSchema(t)), toolChoice: { type: 'auto' } } : {}),
      ...(req.clientTools?.length ? { tools: req.clientTools.map(clientToolSchema), toolChoice: toolChoiceOption(req.toolChoice) } : {}),
    };
    // The timeouts abort the request; the user's own abort is passed through to the same
    // controller (one listener, cheaper per call than AbortSignal.any).
    const user = req.abortSignal;
    const idleMs = req.streamIdleTimeoutMs;
    const timeout = req.firstTokenTimeoutMs || idleMs ? new AbortController() : null;
    const forward = timeout && user ? () => timeout.abort(user.reason) : null;
    if (forward) {
      if (user!.aborted) forward();
      else user!.addEventListener('abort', forward, { once: true });
    }
    const signal = timeout ? timeout.signal : user;
    if (signal) options.abortSignal = signal;
    // One watchdog: until the first token it waits the first-token timeout; then the idle
    // timeout since the last stream part, re-armed lazily (a part costs a timestamp, not a timer).
    let timer: NodeJS.Timeout | null =
      timeout && req.firstTokenTimeoutMs ? setTimeout(() => timeout.abort(new FirstTokenTimeout(req.firstTokenTimeoutMs!)), req.firstTokenTimeoutMs) : null;
    let tokens = false;
    let lastPart = 0;
    const watchIdle = () => {
      const left = lastPart + idleMs! - performance.now();
      if (left <= 0) timeout!.abort(new StreamIdleTimeout(idleMs!));
      else timer = setTimeout(watchIdle, left);
    };
    const firstToken = () => {
      if (tokens) return;
      tokens = true;
      if (timer) clearTimeout(timer);
      timer = idleMs ? setTimeout(watchIdle, idleMs) : null;
    };
    const stopWatch = () => {
      tokens = true;
      if (timer) clearTimeout(timer);
      timer = null;
    };
    try {
      const { stream } = await model.doStream(options);
      const reader = stream.getReader();
      const out: StepOutcome = { text: '', reasoning: '', reasoningMetadata: undefined, toolCalls: [], usage: undefined, finishReason: 'unknown' };
      let failure: unknown;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        lastPart = performance.now();
        switch (value.type) {
          case 'text-delta':
            firstToken();
            out.text += value.delta;
            try {
              onText(value.delta);
            } catch (error) {
              await reader.cancel().catch(() => undefined);
              throw new CallbackError(error);
            }
            break;
          case 'reasoning-delta':
            firstToken();
            out.reasoning += value.delta;
            if (value.providerMetadata) out.reasoningMetadata = value.providerMetadata as SharedV3ProviderOptions;
            try {
              req.onReasoningDelta?.(value.delta);
            } catch (error) {
              await reader.cancel().catch(() => undefined);
              throw new CallbackError(error);
            }
            break;
          case 'tool-call':
            firstToken();
            out.toolCalls.push({ toolCallId: value.toolCallId, toolName: value.toolName, input: value.input });
            break;
          case 'finish':
            out.usage = value.usage;
            out.finishReason = value.finishReason.unified;
            break;
          case 'error':
            // Providers can stream an error and then end normally; the first one is the cause.
            failure ??= value.error;
            break;
          default:
            break;
        }
      }
      if (failure !== undefined) throw failure;
      if (out.finishReason === 'unknown' && !out.text && out.toolCalls.length === 0 && signal?.aborted) throw signal.reason;
      return out;
    } catch (error) {
      if (timeout?.signal.aborted && !user?.aborted) throw timeout.signal.reason;
      throw error;
    } finally {
      stopWatch();
      if (forward) user!.removeEventListener('abort', forward);
    }
  }

  private async runTool(tools: ToolSpec[], toolCallId: string, toolName: string, input: unknown, req: RunRequest): Promise<{ output: unknown; ok: boolean; durationMs: number }> {
    const tool = tools.find((t) => t.name === toolName);
    const started = performance.now();
    req.onToolEvent?.({ type: 'started', toolCallId, toolName, input });
    let ok = true;
    let output: unknown;
    if (!tool) {
      ok = false;
      output = { error: `Unknown tool "${toolName}".` };
    } else {
      const parsed = tool.input.safeParse(input);
      if (!parsed.success) {
        ok = false;
        output = { error: `Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}` };
      } else {
        try {
          output = await tool.execute(parsed.data, { ...(req.toolContext as ToolContext), abortSignal: req.abortSignal });
        } catch (error) {
          ok = false;
          output = { error: error instanceof Error ? error.message : String(error) };
        }
      }
    }
    const max = req.toolResultMaxChars ?? 4000;
    const asText = typeof output === 'string' ? output : JSON.stringify(output ?? null);
    if (ok && asText.length > max) {
      output = req.summariseToolResult
        ? await req.summariseToolResult(toolName, asText).catch(() => asText.slice(0, max) + ' …[truncated]')
        : asText.slice(0, max) + ' …[truncated]';
    }
    const durationMs = Math.round(performance.now() - started);
    req.onToolEvent?.({ type: 'finished', toolCallId, toolName, ok, output, durationMs });
    return { output, ok, durationMs };
  }

  private toolSchema(tool: ToolSpec): LanguageModelV3FunctionTool {
    let schema = this.toolSchemas.get(tool);
    if (!schema) {
      const json = z.toJSONSchema(tool.input, { unrepresentable: 'any' }) as JSONSchema7 & { $schema?: string };
      delete json.$schema;
      schema = { type: 'function', name: tool.name, description: tool.description, inputSchema: json };
      this.toolSchemas.set(tool, schema);
    }
    return schema;
  }

  /**
   * A cancelled call resolves (the user interrupted; keep the partial text), except a signal that
   * fired because of a timeout: that is a slow provider, worth a retry.
   */
  private abortOutcome(req: RunRequest, text: string, parts: ContentPart[], usages: LanguageModelV3Usage[], steps: number): RunResult {
    const reason: unknown = req.abortSignal?.reason;
    // Checked by name: DOMException is not an Error subclass in every realm.
    const timedOut = typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
    if (timedOut) throw toProviderCallError(reason, req.modelConfigId, text, this.scrub);
    if (text) parts.push({ type: 'text', text });
    return this.result(req, text, usages, 'aborted', true, parts, steps);
  }

  private result(
    req: RunRequest,
    text: string,
    reported: LanguageModelV3Usage[],
    finishReason: string,
    aborted: boolean,
    parts: ContentPart[],
    steps: number,
  ): RunResult {
    const known = reported.filter((u) => u.inputTokens.total !== undefined && u.outputTokens.total !== undefined);
    const usageEstimated = known.length === 0;
    const usage: TokenUsage = usageEstimated
      ? { inputTokens: estimateMessagesTokens(req.messages, req.system), outputTokens: estimateTokens(text), cachedTokens: 0 }
      : {
          inputTokens: sum(known, (u) => u.inputTokens.total),
          outputTokens: sum(known, (u) => u.outputTokens.total),
          cachedTokens: sum(known, (u) => u.inputTokens.cacheRead),
        };
    const price = this.catalog.get(req.modelConfigId)?.price;
    return { text, usage, costUsd: estimateCost(usage, price), finishReason, aborted, usageEstimated, parts, steps };
  }
}

/** The request has not produced a first token in time: a transient failure. */
export class FirstTokenTimeout extends Error {
  constructor(ms: number) {
    super(`no first token after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** The stream went quiet after it started: a stalled provider. The turn keeps what it had streamed. */
export class StreamIdleTimeout extends Error {
  constructor(ms: number) {
    super(`the stream stalled: nothing for ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

class CallbackError {
  constructor(readonly error: unknown) {}
}

/** How the APIs say how long a refused prompt was: OpenAI, Anthropic, vLLM. */
const REFUSED_PROMPT_TOKENS = [/messages resulted in (\d+) tokens/, /prompt is too long: (\d+) tokens/, /\((\d+) in the messages/];

/** The prompt's token count a "context too long" refusal names, when it names one. */
export function refusedPromptTokens(message: string): number | undefined {
  for (const pattern of REFUSED_PROMPT_TOKENS) {
    const m = pattern.exec(message);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Anthropic thinking budgets (tokens) for each reasoning effort. */
const ANTHROPIC_THINKING_BUDGET = { low: 1024, medium: 4096, high: 16_384 } as const;

/** Two providerOptions objects merged per provider key (call settings and reasoning both set some). */
function mergeProviderOptions(a: SharedV3ProviderOptions | undefined, b: SharedV3ProviderOptions | undefined): SharedV3ProviderOptions | undefined {
  if (!a || !b) return a ?? b;
  const out: SharedV3ProviderOptions = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = { ...out[key], ...value };
  return out;
}

/** Anthropic prompt caching: a breakpoint caches everything up to and including its message. */
const ANTHROPIC_CACHE = { anthropic: { cacheControl: { type: 'ephemeral' } } } as const;

/**
 * The prompt as Anthropic takes it: system messages after the conversation started (the turn's
 * own material) become leading text of the next user message, and two cache breakpoints mark the
 * stable prefix: the end of the system prompt and the end of the turns before the current one.
 */
function forAnthropic(prompt: LanguageModelV3Prompt): LanguageModelV3Prompt {
  const out: LanguageModelV3Prompt = [];
  let pending: Array<{ type: 'text'; text: string }> = [];
  for (const m of prompt) {
    if (m.role === 'system' && out.some((x) => x.role !== 'system')) pending.push({ type: 'text', text: m.content });
    else if (m.role === 'user' && pending.length) {
      out.push({ ...m, content: [...pending, ...m.content] });
      pending = [];
    } else out.push(m);
  }
  if (pending.length) out.push({ role: 'user', content: pending });
  let system = -1;
  while (out[system + 1]?.role === 'system') system++;
  if (system >= 0) out[system] = { ...out[system], providerOptions: ANTHROPIC_CACHE };
  const current = out.findLastIndex((m) => m.role === 'user');
  if (current - 1 > system) out[current - 1] = { ...out[current - 1], providerOptions: ANTHROPIC_CACHE };
  return out;
}

/** Which files a model reads as files. */
interface FileInputs {
  image: boolean;
  pdf: boolean;
}

/**
 * A user message's content: its files first (images as image parts, PDFs as file parts, through
 * the AI SDK's file part), then its text. A file the model cannot read becomes text: a PDF's
 * extracted text, else a note naming it, so nothing is dropped without the model knowing.
 */
function userContent(m: ChatMessage, inputs: FileInputs): LanguageModelV3TextPart[] | Array<LanguageModelV3TextPart | LanguageModelV3FilePart> {
  if (!m.files?.length) return [{ type: 'text', text: m.content }];
  const content: Array<LanguageModelV3TextPart | LanguageModelV3FilePart> = [];
  for (const f of m.files) {
    const image = f.mediaType.startsWith('image/');
    if ((image && inputs.image) || (!image && f.mediaType === 'application/pdf' && inputs.pdf)) {
      content.push({ type: 'file', mediaType: f.mediaType, data: f.data, filename: f.name });
    } else if (!image && f.text !== undefined) {
      content.push({ type: 'text', text: `<file name="${attr(f.name)}" type="${f.mediaType}">\n${f.text}\n</file>` });
    } else {
      content.push({ type: 'text', text: `[${image ? 'An image' : 'A file'} was attached here (${attr(f.name)}, ${f.mediaType}); this model cannot read it.]` });
    }
  }
  // Providers refuse empty text parts; a message of files alone has none.
  if (m.content.trim()) content.push({ type: 'text', text: m.content });
  return content;
}

function attr(value: string): string {
  return value.replace(/["<>\n\r]/g, ' ');
}

function toPrompt(req: RunRequest, anthropic = false, inputs: FileInputs = { image: false, pdf: false }): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  if (req.system) prompt.push({ role: 'system', content: req.system });
  // Tool results name their tool; a client's `tool` message only carries the call id.
  const toolNames = new Map<string, string>();
  for (const m of req.messages) {
    if (m.role === 'system') prompt.push({ role: 'system', content: m.content });
    else if (m.role === 'user') prompt.push({ role: 'user', content: userContent(m, inputs) });
    else if (m.role === 'tool') {
      const result = {
        type: 'tool-result' as const,
        toolCallId: m.toolCallId ?? '',
        toolName: m.toolName ?? toolNames.get(m.toolCallId ?? '') ?? '',
        output: { type: 'text' as const, value: m.content },
      };
      // Consecutive results answer one assistant step: one tool message, as providers expect.
      const last = prompt[prompt.length - 1];
      if (last?.role === 'tool') last.content.push(result);
      else prompt.push({ role: 'tool', content: [result] });
    } else if (m.toolCalls?.length) {
      for (const c of m.toolCalls) toolNames.set(c.id, c.name);
      prompt.push({
        role: 'assistant',
        content: [
          ...(m.content ? [{ type: 'text' as const, text: m.content }] : []),
          ...m.toolCalls.map((c) => ({ type: 'tool-call' as const, toolCallId: c.id, toolName: c.name, input: safeJson(c.arguments) })),
        ],
      });
    } else prompt.push({ role: 'assistant', content: [{ type: 'text', text: m.content }] });
  }
  return anthropic ? forAnthropic(prompt) : prompt;
}

/** The request's sampling and format options in the AI SDK's call options (only those set). */
function callSettingsOptions(s: CallSettings | undefined): Partial<LanguageModelV3CallOptions> {
  if (!s) return {};
  const out: Partial<LanguageModelV3CallOptions> = {};
  if (s.temperature !== undefined) out.temperature = s.temperature;
  if (s.topP !== undefined) out.topP = s.topP;
  if (s.stopSequences?.length) out.stopSequences = s.stopSequences;
  if (s.seed !== undefined) out.seed = s.seed;
  if (s.presencePenalty !== undefined) out.presencePenalty = s.presencePenalty;
  if (s.frequencyPenalty !== undefined) out.frequencyPenalty = s.frequencyPenalty;
  const f = s.responseFormat;
  if (f?.type === 'json') {
    out.responseFormat = {
      type: 'json',
      ...(f.schema ? { schema: f.schema as JSONSchema7 } : {}),
      ...(f.name ? { name: f.name } : {}),
      ...(f.description ? { description: f.description } : {}),
    };
    // OpenAI-compatible providers read strictness from their options; strict is their default.
    if (f.strict === false) out.providerOptions = { openaiCompatible: { strictJsonSchema: false } };
  } else if (f?.type === 'text') out.responseFormat = { type: 'text' };
  return out;
}

function clientToolSchema(t: ClientToolSpec): LanguageModelV3FunctionTool {
  return { type: 'function', name: t.name, ...(t.description ? { description: t.description } : {}), inputSchema: t.parameters as JSONSchema7 };
}

function toolChoiceOption(choice: ToolChoice | undefined): LanguageModelV3CallOptions['toolChoice'] {
  if (!choice || choice === 'auto') return { type: 'auto' };
  if (choice === 'none' || choice === 'required') return { type: choice };
  return { type: 'tool', toolName: choice.toolName };
}

function safeJson(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sum<T>(items: T[], pick: (t: T) => number | undefined): number {
  let n = 0;
  for (const i of items) n += pick(i) ?? 0;
  return n;
}
