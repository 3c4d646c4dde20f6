/** Turns OpenAI / Anthropic request bodies into the flat message list rules and usage work on. */
import type { FakeLlmMessage } from './fake-llm.types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Text of a content value that may be a string or an array of parts/blocks.
 * Non-text parts (images, audio, tool calls) are dropped; nested `content` (Anthropic tool_result)
 * is followed so tool output still counts towards prompt size.
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'string') text += part;
    else if (isRecord(part)) {
      if (typeof part['text'] === 'string') text += part['text'];
      else if (part['content'] !== undefined) text += contentText(part['content']);
    }
  }
  return text;
}

function messagesOf(value: unknown): FakeLlmMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((m) => ({ role: String(m['role'] ?? ''), content: contentText(m['content']) }));
}

/** OpenAI Chat Completions: system prompts already travel as messages. */
export function openAiMessages(body: Record<string, unknown>): FakeLlmMessage[] {
  return messagesOf(body['messages']);
}

/** Anthropic Messages: the top-level `system` (string or text blocks) becomes a leading 'system' message. */
export function anthropicMessages(body: Record<string, unknown>): FakeLlmMessage[] {
  const messages = messagesOf(body['messages']);
  const system = body['system'];
  if (system === undefined || system === null) return messages;
  const text = Array.isArray(system) ? system.map((b) => contentText([b])).join('\n') : contentText(system);
  return [{ role: 'system', content: text }, ...messages];
}

export function lastUserText(messages: readonly FakeLlmMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') return messages[i].content;
  }
  return '';
}

/**
 * Plain (non-file) fields of a multipart/form-data body. Deliberately minimal: enough to read
 * `model`, `language`, `prompt` of a transcription upload without buffering the file into parts.
 */
export function multipartFields(raw: Buffer, contentType: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!boundary) return fields;
  // latin1 maps bytes 1:1, so binary file parts survive the split and text fields can be re-decoded.
  const parts = raw.toString('latin1').split(`--${boundary[1] ?? boundary[2]}`);
  for (const part of parts) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(headers);
    if (!name || /filename=/i.test(headers)) continue;
    const value = part.slice(headerEnd + 4).replace(/\r\n$/, '');
    fields[name[1]] = Buffer.from(value, 'latin1').toString('utf8');
  }
  return fields;
}
