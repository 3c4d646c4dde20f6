/** Turns OpenAI / Anthropic request bodies into the flat message list rules and usage work on. */
import { createHash } from 'node:crypto';
import type { FakeLlmFile, FakeLlmMessage } from './fake-llm.types';

/** A wire part that is not what the provider accepts. */
export class InvalidPartError extends Error {}

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

function decoded(base64: string, kind: FakeLlmFile['kind'], mediaType: string | null, extra: Partial<FakeLlmFile> = {}): FakeLlmFile {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new InvalidPartError(`${kind} data is not valid base64`);
  const data = Buffer.from(base64, 'base64');
  return { kind, mediaType, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), ...extra };
}

function fromDataUrl(url: string, kind: FakeLlmFile['kind'], extra: Partial<FakeLlmFile> = {}): FakeLlmFile {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!m) throw new InvalidPartError(`${kind} URL must be an http(s) URL or a base64 data URL`);
  return decoded(m[2], kind, m[1], extra);
}

/**
 * The image and file parts of a content array, as OpenAI's Chat Completions takes them
 * (`image_url: { url }`, `file: { file_data, filename }`) or Anthropic's Messages
 * (`image` / `document` blocks with a base64 or URL `source`).
 */
export function contentFiles(content: unknown): FakeLlmFile[] {
  if (!Array.isArray(content)) return [];
  const files: FakeLlmFile[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    const type = part['type'];
    if (type === 'image_url') {
      const image = part['image_url'];
      const url = isRecord(image) ? image['url'] : undefined;
      if (typeof url !== 'string') throw new InvalidPartError('image_url.url is required');
      files.push(/^https?:\/\//.test(url) ? { kind: 'image', mediaType: null, bytes: 0, sha256: null, url } : fromDataUrl(url, 'image'));
    } else if (type === 'file') {
      const file = part['file'];
      if (!isRecord(file) || typeof file['file_data'] !== 'string') throw new InvalidPartError('file.file_data is required');
      files.push(fromDataUrl(file['file_data'], 'file', typeof file['filename'] === 'string' ? { filename: file['filename'] } : {}));
    } else if (type === 'image' || type === 'document') {
      const kind = type === 'image' ? 'image' : 'file';
      const source = part['source'];
      if (!isRecord(source)) throw new InvalidPartError(`${type}.source is required`);
      if (source['type'] === 'base64' && typeof source['data'] === 'string' && typeof source['media_type'] === 'string') {
        files.push(decoded(source['data'], kind, source['media_type']));
      } else if (source['type'] === 'url' && typeof source['url'] === 'string') {
        files.push({ kind, mediaType: null, bytes: 0, sha256: null, url: source['url'] });
      } else throw new InvalidPartError(`${type}.source must be base64 (with media_type and data) or a url`);
    }
  }
  return files;
}

function messagesOf(value: unknown): FakeLlmMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((m) => {
    const files = contentFiles(m['content']);
    return { role: String(m['role'] ?? ''), content: contentText(m['content']), ...(files.length ? { files } : {}) };
  });
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
