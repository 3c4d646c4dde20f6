/** Public contract of the fake LLM server: scripted rules, recorded requests and server options. */

export interface FakeLlmRule {
  /** which calls the rule applies to: 'chat' (default: completions, messages, transcriptions) or 'embeddings' (`/v1/embeddings`; the texts are matched as user messages) */
  endpoint?: 'chat' | 'embeddings';
  /** match on model name (exact string or RegExp); omitted = any */
  model?: string | RegExp;
  /** match when the LAST user message text contains this string / matches this RegExp */
  match?: string | RegExp;
  /** reply text (streamed in chunks). A function gets the parsed request and returns text. */
  reply?: string | ((req: FakeLlmRequest) => string);
  /** error injection: respond with this HTTP status and an OpenAI/Anthropic-style error body */
  status?: number; // e.g. 500, 429 (429 also sets a Retry-After: 1 header)
  /** the error message sent with `status` (default `Injected error (HTTP <status>)`) */
  errorMessage?: string;
  /** stream this many characters of the reply, then destroy the socket (mid-stream disconnect) */
  disconnectAfterChars?: number;
  /** a reasoning model's thinking, streamed before the reply (OpenAI: `reasoning_content` deltas; Anthropic: a thinking block) */
  reasoning?: string;
  /** answer with these tool calls instead of text (finish reason tool_calls / tool_use) */
  toolCalls?: Array<{ id?: string; name: string; arguments: unknown }>;
  /** apply only this many times, then the rule is skipped (default: unlimited) */
  times?: number;
  /** per-rule latency overrides */
  firstTokenDelayMs?: number;
  chunkDelayMs?: number;
  /** usage to report; default is computed with the server's `tokenizer` (cached 0 unless `promptCache`) */
  usage?: { promptTokens: number; completionTokens: number; cachedTokens?: number };
}

/**
 * An image or file part a message carried, as the wire sent it: OpenAI `image_url` / `file`
 * parts, Anthropic `image` / `document` blocks. `bytes` and `sha256` are of the decoded base64
 * data; a URL source has `url` instead.
 */
export interface FakeLlmFile {
  kind: 'image' | 'file';
  mediaType: string | null;
  bytes: number;
  sha256: string | null;
  url?: string;
  filename?: string;
}

export interface FakeLlmMessage {
  role: string;
  content: string;
  /** Image and file parts, in order (absent when there are none). */
  files?: FakeLlmFile[];
}

export interface FakeLlmRequest {
  api: 'openai' | 'anthropic';
  path: string;
  model: string;
  stream: boolean;
  /** normalised messages: system prompt(s) included as role 'system' */
  messages: FakeLlmMessage[];
  /** raw JSON body as received */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary wire fields
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** size in bytes of the raw request body */
  bytes: number;
  /** A malformed image or file part (a missing url, a data URL that is not base64): answered 400 as the provider would. */
  invalid?: string;
}

export interface FakeLlmLatency {
  firstTokenMs?: number;
  chunkMs?: number;
}

export interface FakeLlmOptions {
  port?: number; // default 0 (random)
  host?: string; // default 127.0.0.1
  rules?: FakeLlmRule[];
  /** default reply when no rule matches: `Echo: <last user message text>` */
  defaultReply?: string | ((req: FakeLlmRequest) => string);
  /** latency per model name (ms before first token and between chunks); '*' = default */
  latency?: Record<string, FakeLlmLatency>;
  /** characters per streamed chunk (default 8) */
  chunkSize?: number;
  /** require this API key (Authorization: Bearer for OpenAI, x-api-key for Anthropic) -> 401 otherwise */
  apiKey?: string;
  /** models reported by GET /v1/models (default: ['fake-model']) */
  models?: string[];
  /**
   * How usage counts tokens: 'chars' (default) = ceil(chars of all request messages / 4);
   * 'o200k' = a real BPE tokenizer (gpt-tokenizer's o200k_base) plus 4 per message, as providers count.
   */
  tokenizer?: 'chars' | 'o200k';
  /** Prompt token limit per model name ('*' = any): a longer prompt is refused with the provider's "context length" error (HTTP 400). */
  contextLimit?: Record<string, number>;
  /**
   * Reports cached input tokens as a provider's prompt cache would: the tokens of the longest
   * run of leading messages identical to an earlier request's for the same model.
   */
  promptCache?: boolean;
}

export interface FakeLlmServer {
  readonly url: string; // e.g. http://127.0.0.1:43210  (no trailing slash)
  readonly baseUrl: string; // url + '/v1'  (what an OpenAI-compatible client uses as baseURL)
  readonly requests: FakeLlmRequest[]; // every completion, transcription and embeddings request received, in order
  addRule(rule: FakeLlmRule): void; // appended; rules are checked first-added-first
  prependRule(rule: FakeLlmRule): void;
  clearRules(): void;
  setLatency(model: string, l: FakeLlmLatency): void;
  reset(): void; // clears requests and rules
  close(): Promise<void>; // closes the server and any open sockets
}
