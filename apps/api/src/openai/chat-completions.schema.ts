import { ErrorCode, LIMITS, SwitchboardError, type ChatCompletionRequest } from '@switchboard/protocol';
import type { CallSettings, ChatFile, ChatMessage, ClientToolSpec, ToolChoice } from '@switchboard/models';
import { cleanAttachmentName, defaultAttachmentName, type AttachmentService } from '@switchboard/session/server';

// The request's wire schema lives in libs/protocol (the route table); here: what the door makes of it.
export { chatCompletionRequestSchema, type ChatCompletionRequest } from '@switchboard/protocol';
type RequestMessage = ChatCompletionRequest['messages'][number];

/** Model names that mean "no override: use the chain". */
export const CHAIN_MODELS = new Set(['switchboard', 'auto']);

/** The explicit model of a request, or null for the chain. */
export function explicitModel(body: ChatCompletionRequest): string | null {
  return CHAIN_MODELS.has(body.model.toLowerCase()) ? null : body.model;
}

/** Text of a message's content (its text parts; images and files are read by `filesOf`). */
export function textOf(content: RequestMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

/** A data URL's media type and bytes; null when the string is not a base64 data URL. */
function decodeDataUrl(url: string): { mediaType: string | null; base64: string } | null {
  const m = /^data:([^;,]*)((?:;[^;,]*)*);base64,/i.exec(url);
  if (!m) return null;
  return { mediaType: m[1] ? m[1].toLowerCase() : null, base64: url.slice(m[0].length) };
}

/**
 * The files of a user message's content parts: `image_url` (a base64 data URL, or an http(s) URL
 * fetched when remote images are enabled) and `file` (`file_data` as a data URL, with its
 * `filename`). Each is checked like an upload (size, type by its bytes) before anything runs.
 */
async function filesOf(content: RequestMessage['content'], i: number, attachments: AttachmentService): Promise<ChatFile[]> {
  if (!Array.isArray(content)) return [];
  const files: ChatFile[] = [];
  const policy = attachments.policy;
  for (let j = 0; j < content.length; j++) {
    const part = content[j] as Record<string, unknown>;
    const field = `messages.${i}.content.${j}`;
    let url: string | undefined;
    let name: string | undefined;
    if (part.type === 'image_url') {
      const image = part.image_url;
      url = typeof image === 'string' ? image : typeof (image as { url?: unknown } | null)?.url === 'string' ? (image as { url: string }).url : undefined;
      if (!url) throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `${field}.image_url.url: required (a data URL or an http(s) URL).`, { field: `${field}.image_url.url` });
    } else if (part.type === 'file') {
      const file = (part.file ?? {}) as { file_data?: unknown; filename?: unknown; file_id?: unknown };
      if (typeof file.file_data !== 'string') {
        throw new SwitchboardError(
          ErrorCode.VALIDATION_FAILED,
          `${field}.file.file_data: required (a base64 data URL such as data:application/pdf;base64,…)${file.file_id ? '; uploaded file ids are not supported here' : ''}.`,
          { field: `${field}.file.file_data` },
        );
      }
      url = file.file_data.startsWith('data:') ? file.file_data : `data:application/pdf;base64,${file.file_data}`;
      name = typeof file.filename === 'string' ? file.filename : undefined;
    } else continue;

    if (/^https?:\/\//i.test(url)) {
      const remote = await attachments.fetchRemote(url);
      files.push({ mediaType: remote.mediaType, data: remote.data, name: cleanAttachmentName(remote.name, defaultAttachmentName(remote.mediaType)) });
      continue;
    }
    const decoded = decodeDataUrl(url);
    if (!decoded) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `${field}: not a base64 data URL (data:<type>;base64,…) or an http(s) URL.`, { field });
    }
    // Checked before decoding: a huge string is refused without allocating its bytes.
    policy.checkFileSize(Math.floor((decoded.base64.length * 3) / 4));
    const data = Buffer.from(decoded.base64, 'base64');
    const mediaType = policy.checkFile(data, decoded.mediaType);
    files.push({ mediaType, data, name: cleanAttachmentName(name, defaultAttachmentName(mediaType)) });
  }
  return files;
}

/**
 * The request's messages in provider-neutral form (developer messages are system messages). A
 * user message's images and files (`image_url`, `file` parts) become its files; other non-text
 * parts (audio) are not read.
 */
export async function toChatMessages(messages: RequestMessage[], attachments: AttachmentService): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const content = textOf(m.content);
    if (content.length > LIMITS.maxMessageChars) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `messages.${i}.content: over ${LIMITS.maxMessageChars} characters.`, {
        field: `messages.${i}.content`,
      });
    }
    switch (m.role) {
      case 'system':
      case 'developer':
        out.push({ role: 'system', content });
        break;
      case 'user': {
        const files = await filesOf(m.content, i, attachments);
        out.push(files.length ? { role: 'user', content, files } : { role: 'user', content });
        break;
      }
      case 'assistant':
        out.push(
          m.tool_calls?.length
            ? { role: 'assistant', content, toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) }
            : { role: 'assistant', content },
        );
        break;
      case 'tool':
        if (!m.tool_call_id) {
          throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `messages.${i}.tool_call_id: required on a tool message.`, {
            field: `messages.${i}.tool_call_id`,
          });
        }
        out.push({ role: 'tool', content, toolCallId: m.tool_call_id, ...(m.name ? { toolName: m.name } : {}) });
        break;
    }
  }
  return out;
}

/** The files of the last user message (conversation mode sends them with that message). */
export async function lastUserFiles(messages: RequestMessage[], attachments: AttachmentService): Promise<{ text: string; files: ChatFile[] }> {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') return { text: textOf(messages[i].content), files: await filesOf(messages[i].content, i, attachments) };
  }
  return { text: '', files: [] };
}

/** Sampling and format options to forward to the provider. */
export function callSettingsOf(body: ChatCompletionRequest): CallSettings {
  const s: CallSettings = {};
  if (body.temperature != null) s.temperature = body.temperature;
  if (body.top_p != null) s.topP = body.top_p;
  if (body.stop != null) s.stopSequences = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed != null) s.seed = body.seed;
  if (body.presence_penalty != null) s.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) s.frequencyPenalty = body.frequency_penalty;
  const f = body.response_format;
  if (f?.type === 'json_object') s.responseFormat = { type: 'json' };
  else if (f?.type === 'json_schema') {
    const j = f.json_schema;
    s.responseFormat = {
      type: 'json',
      name: j.name,
      ...(j.description ? { description: j.description } : {}),
      ...(j.schema ? { schema: j.schema } : {}),
      ...(j.strict === false ? { strict: false } : {}),
    };
  } else if (f?.type === 'text') s.responseFormat = { type: 'text' };
  return s;
}

/** `max_completion_tokens` (current) wins over `max_tokens` (deprecated). */
export function maxOutputTokensOf(body: ChatCompletionRequest): number | undefined {
  return body.max_completion_tokens ?? body.max_tokens ?? undefined;
}

export function clientToolsOf(body: ChatCompletionRequest): ClientToolSpec[] | undefined {
  if (!body.tools?.length) return undefined;
  return body.tools.map((t) => ({
    name: t.function.name,
    ...(t.function.description ? { description: t.function.description } : {}),
    // A function without parameters takes none.
    parameters: t.function.parameters ?? { type: 'object', properties: {} },
  }));
}

export function toolChoiceOf(body: ChatCompletionRequest): ToolChoice | undefined {
  const c = body.tool_choice;
  if (c == null) return undefined;
  if (typeof c === 'string') return c;
  if (!body.tools?.some((t) => t.function.name === c.function.name)) {
    throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `tool_choice: "${c.function.name}" is not one of the request's tools.`, {
      field: 'tool_choice',
    });
  }
  return { toolName: c.function.name };
}
