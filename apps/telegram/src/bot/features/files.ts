import { Composer, GrammyError, type MiddlewareFn } from 'grammy';
import type { Message } from 'grammy/types';
import type { Logger } from 'pino';
import { ATTACHMENT_MEDIA_TYPES, LIMITS, SwitchboardApiError, type SwitchboardClient } from '@switchboard/protocol';
import type { TelegramConfig } from '../../config';
import { Albums, type AlbumPart } from '../../services/albums';
import type { Conversation, Source } from '../../services/conversation';
import type { Outbox } from '../../services/outbox';
import type { Typing } from '../../services/typing';
import type { ChatTarget } from '../chat-target';
import type { BotContext } from '../context';
import { friendlyError } from '../errors';
import { downloadTelegramFile, TELEGRAM_DOWNLOAD_BYTES } from '../telegram-file';

export interface FilesDeps {
  config: TelegramConfig;
  client: SwitchboardClient;
  conversation: Conversation;
  outbox: Outbox;
  typing: Typing;
  logger: Logger;
  describe: (err: unknown) => string;
  /** How long after an album's last item it is sent (its items arrive as separate updates). */
  albumWindowMs?: number;
}

/** Characters of one text file sent inline (the message itself may hold `LIMITS.maxMessageChars`). */
export const TEXT_FILE_MAX_CHARS = 50_000;
/** Bytes of a text file worth downloading at all (UTF-8 takes up to 4 bytes a character). */
const TEXT_FILE_MAX_BYTES = 4 * TEXT_FILE_MAX_CHARS;

/** Extensions read as text whatever type Telegram reports (often `application/octet-stream`). */
const TEXT_EXTENSIONS = new Set(['txt', 'text', 'md', 'markdown', 'csv', 'tsv', 'json', 'jsonl', 'ndjson', 'log', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'xml', 'html', 'htm', 'css', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'py', 'rb', 'go', 'rs', 'java', 'kt', 'c', 'h', 'cpp', 'hpp', 'cs', 'php', 'sh', 'bash', 'sql', 'env', 'srt', 'vtt', 'tex', 'rst', 'org']);
const TEXT_TYPES = /^(text\/|application\/(json|x-ndjson|xml|yaml|x-yaml|toml|javascript|x-sh|sql|x-subrip)\b)/i;
const IMAGE_EXTENSIONS: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

export const FILES_SUPPORTED = 'I can read photos, images (PNG, JPEG, GIF, WebP), PDFs and text files.';

/** A file of a message, as the bot will handle it. */
interface Incoming {
  fileId: string;
  name: string;
  mediaType: string;
  size: number | undefined;
  kind: 'image' | 'pdf' | 'text' | 'other';
}

/** A refusal already put in words for the user (nothing of the file was sent). */
class FileRefusal extends Error {}

const extensionOf = (name: string) => /\.([a-z0-9]{1,10})$/i.exec(name)?.[1]?.toLowerCase() ?? '';

function sizeWords(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** The file of a photo (its largest size) or a document; null for messages without one. */
export function incomingFile(msg: Message): Incoming | null {
  if (msg.photo?.length) {
    const largest = msg.photo.reduce((a, b) => (b.width * b.height > a.width * a.height || (b.width * b.height === a.width * a.height && (b.file_size ?? 0) > (a.file_size ?? 0)) ? b : a));
    return { fileId: largest.file_id, name: 'photo.jpg', mediaType: 'image/jpeg', size: largest.file_size, kind: 'image' };
  }
  const doc = msg.document;
  if (!doc) return null;
  const name = doc.file_name?.trim() || 'file';
  const ext = extensionOf(name);
  const declared = doc.mime_type?.toLowerCase();
  const mediaType = declared && declared !== 'application/octet-stream' ? declared : IMAGE_EXTENSIONS[ext] ?? (ext === 'pdf' ? 'application/pdf' : declared ?? 'application/octet-stream');
  const kind: Incoming['kind'] = mediaType.startsWith('image/')
    ? 'image'
    : mediaType === 'application/pdf'
      ? 'pdf'
      : TEXT_TYPES.test(mediaType) || TEXT_EXTENSIONS.has(ext)
        ? 'text'
        : 'other';
  return { fileId: doc.file_id, name, mediaType, size: doc.file_size, kind };
}

/** A text file's content, or a refusal when it is not text (binary bytes, another encoding). */
function decodeText(name: string, bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FileRefusal(`📄 ${name} is not UTF-8 text, so I can't read it. Please save it as UTF-8 and send it again.`);
  }
  if (text.includes('\u0000')) throw new FileRefusal(`📄 ${name} doesn't look like a text file. ${FILES_SUPPORTED}`);
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The message text: the caption, then each text file under a header naming it. */
export function composeText(caption: string, texts: ReadonlyArray<{ name: string; text: string }>): string {
  const blocks = texts.map((t) => `--- ${t.name} ---\n${t.text.trimEnd()}\n--- end of ${t.name} ---`);
  return [caption.trim(), ...blocks].filter(Boolean).join('\n\n');
}

/**
 * Photos, image documents, PDFs and text files. Images and PDFs are downloaded from Telegram
 * and uploaded to the API as attachments; a text file (which the API does not take as an
 * attachment) goes inline in the message text under a header naming it. The caption is the
 * text. An album (`media_group_id`) arrives as one update per item: its items are gathered for
 * `albumWindowMs` after the last one and sent as one message. Every refusal is answered in
 * words, and nothing of a refused file is sent.
 */
export function filesFeature(deps: FilesDeps): { composer: Composer<BotContext>; settle: MiddlewareFn<BotContext>; albums: Albums } {
  const { config, client, conversation, outbox, typing, logger, describe } = deps;

  const reply = (target: ChatTarget, text: string, replyTo: number, keyboard?: Awaited<ReturnType<Conversation['modelKeyboardFor']>>) =>
    outbox.run(target, () => outbox.sendPlain(target, text, { replyTo, ...(keyboard ? { keyboard } : {}) }));

  /** Downloads one file and makes it a part of the message: an uploaded attachment, or inline text. */
  const prepare = async (ctx: BotContext, target: ChatTarget, file: Incoming): Promise<AlbumPart> => {
    if (file.kind === 'other') throw new FileRefusal(`📎 ${FILES_SUPPORTED} ${file.name} (${file.mediaType}) isn't one of them, so I didn't send it.`);
    if (file.size !== undefined && file.size > TELEGRAM_DOWNLOAD_BYTES) {
      throw new FileRefusal(`📎 ${file.name} is ${sizeWords(file.size)}: Telegram lets bots download files up to 20 MB, so I can't read it. Please send a smaller file.`);
    }
    if (file.kind === 'text' && file.size !== undefined && file.size > TEXT_FILE_MAX_BYTES) {
      throw new FileRefusal(`📄 ${file.name} is too long for me to read here (${sizeWords(file.size)}; text files up to ${TEXT_FILE_MAX_CHARS.toLocaleString('en-US')} characters). Please send a shorter part.`);
    }
    typing.pulse(target);
    let bytes: Uint8Array;
    try {
      bytes = await downloadTelegramFile(ctx.api, config, file.fileId);
    } catch (err) {
      if (err instanceof GrammyError && /file is too big/i.test(err.description)) {
        throw new FileRefusal(`📎 ${file.name} is too big: Telegram lets bots download files up to 20 MB, so I can't read it. Please send a smaller file.`);
      }
      logger.warn({ chatId: target.chatId, err: describe(err) }, 'downloading a file from Telegram failed');
      throw new FileRefusal(`📎 I couldn't download ${file.name} from Telegram, so I didn't send it. Please try again.`);
    }
    if (file.kind === 'text') {
      const text = decodeText(file.name, bytes);
      if (text.length > TEXT_FILE_MAX_CHARS) {
        throw new FileRefusal(`📄 ${file.name} is too long for me to read here (${text.length.toLocaleString('en-US')} characters; up to ${TEXT_FILE_MAX_CHARS.toLocaleString('en-US')}). Please send a shorter part.`);
      }
      return { kind: 'text', name: file.name, text };
    }
    try {
      // A type the API does not list (HEIC, BMP…) goes as bytes to sniff, so its refusal names the accepted types.
      const declared = (ATTACHMENT_MEDIA_TYPES as readonly string[]).includes(file.mediaType) ? file.mediaType : 'application/octet-stream';
      const attachment = await conversation.withSession(target, (sessionId) => client.uploadAttachment(sessionId, bytes, declared, file.name));
      return { kind: 'file', attachmentId: attachment.id };
    } catch (err) {
      if (err instanceof SwitchboardApiError && ['ATTACHMENT_TOO_LARGE', 'ATTACHMENT_TYPE_NOT_ALLOWED', 'UNSUPPORTED_MEDIA_TYPE'].includes(err.code)) {
        throw new FileRefusal(`📎 ${file.name}: ${err.message} I didn't send it.`);
      }
      throw err;
    }
  };

  /** Sends the text and files; a model that cannot read them is said in words, with the model keyboard one tap away. */
  const send = async (target: ChatTarget, caption: string, parts: readonly AlbumPart[], source: Source): Promise<void> => {
    const texts = parts.flatMap((p) => (p.kind === 'text' ? [p] : []));
    const ids = parts.flatMap((p) => (p.kind === 'file' ? [p.attachmentId] : []));
    const text = composeText(caption, texts);
    if (!text && ids.length === 0) return;
    if (text.length > LIMITS.maxMessageChars) {
      await reply(target, `📄 That is too much text for one message (${text.length.toLocaleString('en-US')} characters; up to ${LIMITS.maxMessageChars.toLocaleString('en-US')}). Please send less at once.`, source.messageId);
      return;
    }
    try {
      await conversation.send(target, text, source, ids);
    } catch (err) {
      if (!(err instanceof SwitchboardApiError && err.code === 'ATTACHMENT_NOT_SUPPORTED')) throw err;
      logger.info({ chatId: target.chatId }, 'files refused: the model cannot read them');
      const keyboard = await conversation.withSession(target, (sessionId) => conversation.modelKeyboardFor(sessionId)).catch(() => undefined);
      await reply(target, `🖼️ ${err.message}${keyboard ? '\n\nPick a model below, then send it again.' : ''}`, source.messageId, keyboard);
    }
  };

  const albums = new Albums({
    windowMs: deps.albumWindowMs ?? 1200,
    send: async (album) => {
      try {
        await send(album.target, album.caption, album.parts, album.source);
      } catch (err) {
        // Outside the update's error boundary (the album is sent after its last update): answered here.
        logger.warn({ chatId: album.target.chatId, err: describe(err) }, 'sending an album failed');
        const text = friendlyError(err);
        if (text) await reply(album.target, text, album.source.messageId);
      }
    },
  });

  const composer = new Composer<BotContext>();
  composer.on(['message:photo', 'message:document'], async (ctx) => {
    const file = incomingFile(ctx.message);
    if (!file) return;
    const target = ctx.sb!.target;
    const messageId = ctx.message.message_id;
    const caption = ctx.sb!.text ?? ctx.message.caption ?? '';
    const source: Source = { messageId, sender: ctx.sb!.sender };
    const group = ctx.message.media_group_id;
    let part: AlbumPart | null = null;
    try {
      part = await prepare(ctx, target, file);
    } catch (err) {
      if (!(err instanceof FileRefusal)) throw err;
      logger.info({ chatId: target.chatId, kind: file.kind, mediaType: file.mediaType, size: file.size }, 'file refused');
      await reply(target, err.message, messageId);
    }
    if (group) {
      // One item of an album: kept until the album is complete (the refused ones were answered already).
      albums.add(target, group, { messageId, caption, part, source });
      return;
    }
    if (part) await send(target, caption, [part], source);
  });

  // Before anything else from a chat is sent, its albums are complete: they go first, in order.
  const settle: MiddlewareFn<BotContext> = async (ctx, next) => {
    if (ctx.sb) await albums.settle(ctx.sb.target, ctx.message?.media_group_id);
    return next();
  };
  return { composer, settle, albums };
}
