import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { estimateTokens } from '../tokens';

const MAX_ECHO_CHARS = 500;
const TEXT_ID = 'offline-text-0';

/**
 * Switchboard's built-in model for machines with no provider configured: deterministic, no
 * network and no timers, so every door (and every test) works on a fresh checkout.
 */
export class OfflineLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'offline';
  readonly supportedUrls: Record<string, RegExp[]> = {};

  constructor(readonly modelId: string = 'switchboard-offline') {}

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { text, finishReason, usage } = answer(options);
    return { content: [{ type: 'text', text }], finishReason, usage, warnings: [] };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { text, finishReason, usage } = answer(options);
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: TEXT_ID },
      ...splitWords(text).map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: TEXT_ID, delta })),
      { type: 'text-end', id: TEXT_ID },
      { type: 'finish', finishReason, usage },
    ];
    let next = 0;
    const signal = options.abortSignal;
    // One part per pull: the consumer's pace drives the stream, so an abort lands between words.
    // highWaterMark 0: nothing is produced ahead of a read.
    const stream = new ReadableStream<LanguageModelV3StreamPart>(
      {
        pull(controller) {
          if (signal?.aborted) {
            controller.error(signal.reason);
            return;
          }
          const part = parts[next++];
          if (part) controller.enqueue(part);
          else controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    return { stream };
  }
}

/** Word-sized chunks (each word with its trailing whitespace) that concatenate back to the text. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

/** The offline model's reply to the last user message of a conversation. */
export function offlineReply(lastUserText: string | undefined): string {
  const said = lastUserText?.trim() ?? '';
  const echo = said.length > MAX_ECHO_CHARS ? `${said.slice(0, MAX_ECHO_CHARS)}…` : said;
  const sum = arithmetic(said);
  return [
    ...(sum ? [sum] : []),
    "I'm Switchboard's offline demo model: no AI provider is configured yet, so I can't give you a real answer.",
    echo ? `You said: "${echo}"` : "You didn't say anything I can echo.",
    'To connect a real model, set OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_BASE_URL, or point SWITCHBOARD_CONFIG at a config file (see the README), then restart Switchboard.',
  ].join('\n\n');
}

/** "2 + 2 = 4." for messages like "what is 2+2?"; undefined for anything else. */
function arithmetic(text: string): string | undefined {
  const match = /^(?:what(?:'s| is)\s+)?(-?\d+(?:\.\d+)?)\s*([-+*/×x÷])\s*(-?\d+(?:\.\d+)?)\s*[?.!]?$/i.exec(text);
  if (!match) return undefined;
  const a = Number(match[1]);
  const b = Number(match[3]);
  const op = match[2]!;
  let result: number;
  if (op === '+') result = a + b;
  else if (op === '-') result = a - b;
  else if (op === '/' || op === '÷') {
    if (b === 0) return undefined;
    result = a / b;
  } else result = a * b;
  // toPrecision trims float noise (0.1 + 0.2) without hiding real digits.
  return `${match[1]} ${op} ${match[3]} = ${Number(result.toPrecision(12))}.`;
}

function answer(options: LanguageModelV3CallOptions): {
  text: string;
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
} {
  let text = offlineReply(lastUserText(options.prompt));
  let finishReason: LanguageModelV3FinishReason = { unified: 'stop', raw: 'stop' };
  const limit = options.maxOutputTokens;
  if (limit !== undefined && estimateTokens(text) > limit) {
    text = text.slice(0, Math.max(0, limit * 4));
    finishReason = { unified: 'length', raw: 'length' };
  }
  const inputTokens = estimateTokens(promptText(options.prompt));
  const outputTokens = estimateTokens(text);
  return {
    text,
    finishReason,
    usage: {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    },
  };
}

function lastUserText(prompt: LanguageModelV3Prompt): string | undefined {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i]!;
    if (message.role === 'user') return message.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
  return undefined;
}

function promptText(prompt: LanguageModelV3Prompt): string {
  return prompt
    .map((message) => {
      if (message.role === 'system') return message.content;
      return message.content.map((p) => (p.type === 'text' || p.type === 'reasoning' ? p.text : '')).join('');
    })
    .join('\n');
}
