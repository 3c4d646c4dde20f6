/** The fake LLM HTTP server: routes, auth, rule resolution, pacing and the streaming loop. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { anthropicWire } from './anthropic.wire';
import type { FakeLlmLatency, FakeLlmMessage, FakeLlmOptions, FakeLlmRequest, FakeLlmRule, FakeLlmServer } from './fake-llm.types';
import { openAiWire } from './openai.wire';
import { InvalidPartError, anthropicMessages, lastUserText, multipartFields, openAiMessages } from './request.parser';
import { contextLimitError, PromptCache, promptTokens, textTokens } from './prompt-tokens';
import { RuleMatcher } from './rule.matcher';
import type { ReplyPlan, ReplyUsage, WireFormat } from './wire.types';
import { hashedEmbedding } from '@switchboard/protocol';

type Api = FakeLlmRequest['api'];

const WIRES: Record<Api, WireFormat> = { openai: openAiWire, anthropic: anthropicWire };

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/**
 * Sleeps that end early once the response closes (client gone or server closing), so close() is
 * prompt and no timer outlives its request (Jest open-handle detection).
 */
class Pacer {
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(res: ServerResponse) {
    res.once('close', () => {
      this.closed = true;
      clearTimeout(this.timer);
      this.wake?.();
    });
  }

  /** Resolves true after `ms`, false if the response closed first. */
  wait(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.wake = () => resolve(false);
      this.timer = setTimeout(() => {
        this.wake = undefined;
        resolve(!this.closed);
      }, ms);
    });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  // Explicit content-length (not chunked) keeps the connection reusable by keep-alive agents.
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, api: Api, status: number, message: string): void {
  sendJson(res, status, WIRES[api].error(status, message), status === 429 ? { 'retry-after': '1' } : {});
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlmServer> {
  const requests: FakeLlmRequest[] = [];
  const rules = new RuleMatcher();
  for (const rule of options.rules ?? []) rules.add(rule);
  const latency: Record<string, FakeLlmLatency> = { ...options.latency };
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 8));
  const models = options.models ?? ['fake-model'];
  const defaultReply = options.defaultReply ?? ((req: FakeLlmRequest) => `Echo: ${lastUserText(req.messages)}`);
  const startedAt = Math.floor(Date.now() / 1000);
  const tokenizer = options.tokenizer ?? 'chars';
  const cache = options.promptCache ? new PromptCache() : null;
  let nextId = 0;

  function authorised(req: IncomingMessage, api: Api | 'any'): boolean {
    if (options.apiKey === undefined) return true;
    const bearer = header(req, 'authorization') === `Bearer ${options.apiKey}`;
    const xApiKey = header(req, 'x-api-key') === options.apiKey;
    if (api === 'openai') return bearer;
    if (api === 'anthropic') return xApiKey;
    return bearer || xApiKey;
  }

  function pacing(model: string, rule: FakeLlmRule | undefined): { first: number; chunk: number } {
    const forModel = latency[model];
    const fallback = latency['*'];
    return {
      first: rule?.firstTokenDelayMs ?? forModel?.firstTokenMs ?? fallback?.firstTokenMs ?? 0,
      chunk: rule?.chunkDelayMs ?? forModel?.chunkMs ?? fallback?.chunkMs ?? 0,
    };
  }

  function usageFor(req: FakeLlmRequest, rule: FakeLlmRule | undefined, text: string, prompt: number): ReplyUsage {
    if (rule?.usage) return { cachedTokens: 0, ...rule.usage };
    return { promptTokens: prompt, completionTokens: textTokens(text, tokenizer), cachedTokens: cache ? cache.serve(req, tokenizer) : 0 };
  }

  async function completion(req: IncomingMessage, res: ServerResponse, api: Api, path: string): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(res, api, 400, 'Malformed JSON in request body');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(res, api, 400, 'Request body must be a JSON object');
    }
    const fields = body as Record<string, unknown>;
    let messages: FakeLlmMessage[] = [];
    let invalid: string | undefined;
    try {
      messages = api === 'openai' ? openAiMessages(fields) : anthropicMessages(fields);
    } catch (err) {
      if (!(err instanceof InvalidPartError)) throw err;
      invalid = err.message;
    }
    const request: FakeLlmRequest = {
      api,
      path,
      model: typeof fields['model'] === 'string' ? fields['model'] : '',
      stream: fields['stream'] === true,
      messages,
      body,
      headers: req.headers,
      bytes: raw.length,
      ...(invalid ? { invalid } : {}),
    };
    // Recorded before auth and rules so tests can inspect rejected and error-injected attempts too.
    requests.push(request);
    if (!authorised(req, api)) return sendError(res, api, 401, 'Invalid API key');
    if (invalid) return sendError(res, api, 400, `Invalid content part: ${invalid}`);

    const rule = rules.take(request);
    const pacer = new Pacer(res);
    if (rule?.status !== undefined) {
      // Only an explicit per-rule delay applies: real providers fail fast, tests may want slow failures.
      if (rule.firstTokenDelayMs && !(await pacer.wait(rule.firstTokenDelayMs))) return;
      return sendError(res, api, rule.status, rule.errorMessage ?? `Injected error (HTTP ${rule.status})`);
    }
    const prompt = promptTokens(request.messages, tokenizer);
    const limit = options.contextLimit?.[request.model] ?? options.contextLimit?.['*'];
    if (limit !== undefined && prompt > limit) return sendError(res, api, 400, contextLimitError(request, prompt, limit));

    const reply = rule?.reply ?? defaultReply;
    const toolCalls = rule?.toolCalls?.map((c, i) => ({
      id: c.id ?? `call_fake_${nextId + 1}_${i}`,
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
    }));
    const text = toolCalls ? '' : typeof reply === 'function' ? reply(request) : reply;
    const plan: ReplyPlan = {
      id: api === 'openai' ? `chatcmpl-fake-${++nextId}` : `msg_fake_${++nextId}`,
      created: Math.floor(Date.now() / 1000),
      request,
      text,
      ...(rule?.reasoning ? { reasoning: rule.reasoning } : {}),
      usage: usageFor(request, rule, toolCalls ? JSON.stringify(toolCalls) : text, prompt),
      ...(toolCalls ? { toolCalls } : {}),
    };
    const { first, chunk } = pacing(request.model, rule);
    const wire = WIRES[api];

    if (!request.stream) {
      if (rule?.disconnectAfterChars !== undefined) {
        // No body to cut short: simulate the drop as a connection reset before any response.
        req.socket.destroy();
        return;
      }
      // Same wall time a streamed reply would take, so latency settings mean the same in both modes.
      const total = first + chunk * Math.max(0, Math.ceil(text.length / chunkSize) - 1);
      if (total > 0 && !(await pacer.wait(total))) return;
      return sendJson(res, 200, wire.completion(plan));
    }

    if (toolCalls) {
      res.writeHead(200, SSE_HEADERS);
      if (first > 0 && !(await pacer.wait(first))) return;
      res.end(wire.toolCallStream(plan));
      return;
    }
    const cut = rule?.disconnectAfterChars;
    const parts = chunksOf(cut === undefined ? text : text.slice(0, Math.max(0, cut)), chunkSize);
    const frames = wire.stream(plan);
    res.writeHead(200, SSE_HEADERS);
    // Frames are batched into as few writes as the pacing allows; with zero latency the whole
    // reply is one write and no timer is ever created (benchmarks measure the client, not us).
    let pending = frames.head;
    for (let i = 0; i < parts.length; i++) {
      const delay = i === 0 ? first : chunk;
      if (delay > 0) {
        res.write(pending);
        pending = '';
        if (!(await pacer.wait(delay))) return;
      }
      pending += frames.delta(parts[i]);
    }
    if (cut !== undefined) {
      // Destroy only once the bytes reached the kernel, so the client really sees `cut` characters.
      // `pending` is never empty here: it holds at least the head or the last delta.
      res.write(pending, () => req.socket.destroy());
      return;
    }
    res.end(pending + frames.tail);
  }

  async function transcription(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req);
    const fields = multipartFields(raw, header(req, 'content-type'));
    const request: FakeLlmRequest = {
      api: 'openai',
      path,
      model: fields['model'] ?? '',
      stream: false,
      messages: [],
      // Multipart has no JSON body: the plain form fields stand in for it.
      body: fields,
      headers: req.headers,
      bytes: raw.length,
    };
    requests.push(request);
    if (!authorised(req, 'openai')) return sendError(res, 'openai', 401, 'Invalid API key');
    const rule = rules.take(request);
    if (rule?.status !== undefined) return sendError(res, 'openai', rule.status, `Injected error (HTTP ${rule.status})`);
    const reply = rule?.reply ?? 'fake transcript';
    sendJson(res, 200, { text: typeof reply === 'function' ? reply(request) : reply });
  }

  /**
   * OpenAI's `/v1/embeddings`: deterministic vectors from `hashedEmbedding` (libs/models), so
   * texts sharing words, word pieces or a synonym group land near each other. A rule can fail or
   * slow the call (`status`, `firstTokenDelayMs`); the request's texts are its messages, as `user`.
   */
  async function embeddings(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(res, 'openai', 400, 'Malformed JSON in request body');
    }
    const fields = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const input = fields['input'];
    const texts = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((t) => typeof t === 'string') ? (input as string[]) : null;
    const request: FakeLlmRequest = {
      api: 'openai',
      path,
      model: typeof fields['model'] === 'string' ? fields['model'] : '',
      stream: false,
      messages: (texts ?? []).map((content) => ({ role: 'user', content })),
      body,
      headers: req.headers,
      bytes: raw.length,
    };
    requests.push(request);
    if (!authorised(req, 'openai')) return sendError(res, 'openai', 401, 'Invalid API key');
    if (!texts || texts.length === 0) return sendError(res, 'openai', 400, '`input` must be a string or a non-empty array of strings');
    const dims = fields['dimensions'] === undefined ? undefined : Number(fields['dimensions']);
    if (dims !== undefined && (!Number.isSafeInteger(dims) || dims < 1 || dims > 8192)) return sendError(res, 'openai', 400, '`dimensions` must be an integer from 1 to 8192');
    const rule = rules.take(request);
    const pacer = new Pacer(res);
    const delay = rule?.firstTokenDelayMs ?? pacing(request.model, undefined).first;
    if (delay > 0 && !(await pacer.wait(delay))) return;
    if (rule?.status !== undefined) return sendError(res, 'openai', rule.status, rule.errorMessage ?? `Injected error (HTTP ${rule.status})`);
    const tokens = texts.reduce((n, t) => n + textTokens(t, tokenizer), 0);
    sendJson(res, 200, {
      object: 'list',
      data: texts.map((t, index) => ({ object: 'embedding', index, embedding: hashedEmbedding(t, dims) })),
      model: request.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (req.method === 'POST' && path === '/v1/chat/completions') return completion(req, res, 'openai', path);
    if (req.method === 'POST' && path === '/v1/messages') return completion(req, res, 'anthropic', path);
    if (req.method === 'POST' && path === '/v1/audio/transcriptions') return transcription(req, res, path);
    if (req.method === 'POST' && path === '/v1/embeddings') return embeddings(req, res, path);
    if (req.method === 'GET' && path === '/v1/models') {
      if (!authorised(req, 'any')) return sendError(res, 'openai', 401, 'Invalid API key');
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: startedAt, owned_by: 'fake' })),
      });
    }
    sendError(res, path.startsWith('/v1/messages') ? 'anthropic' : 'openai', 404, `No route for ${req.method} ${path}`);
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      // Typically the client aborted while we read the body; otherwise surface a 500.
      if (res.headersSent || req.socket.destroyed) req.socket.destroy();
      else sendError(res, 'openai', 500, `fake-llm internal error: ${String(err)}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    addRule: (rule) => rules.add(rule),
    prependRule: (rule) => rules.prepend(rule),
    clearRules: () => rules.clear(),
    setLatency: (model, l) => {
      latency[model] = { ...l };
    },
    reset: () => {
      // In place, so arrays already handed out stay live.
      requests.length = 0;
      rules.clear();
      cache?.clear();
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // server.close() alone waits for idle keep-alive and in-flight streams to end.
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
