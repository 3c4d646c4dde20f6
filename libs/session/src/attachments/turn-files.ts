import { createHash } from 'node:crypto';
import type { MessageAttachment } from '@switchboard/protocol';
import { IMAGE_TOKENS_ESTIMATE, estimateFileTokens, type ChatFile, type ChatMessage } from '@switchboard/models';
import type { AttachmentStore } from '../store/attachment.store';
import type { EngineLogger } from '../engine/engine.types';
import { extractPdfText } from './pdf-text';

/** A history line with the files its message carried (metadata; the bytes are loaded for the call). */
export type HistoryMessage = ChatMessage & { attachments?: MessageAttachment[] };

/** Tokens a message's attachments add, estimated from their metadata (the budget, before any byte is read). */
export function attachmentTokens(m: HistoryMessage): number {
  let n = 0;
  for (const a of m.attachments ?? []) n += a.mediaType.startsWith('image/') ? IMAGE_TOKENS_ESTIMATE : Math.ceil(a.size / 100) + IMAGE_TOKENS_ESTIMATE;
  for (const f of m.files ?? []) n += estimateFileTokens(f);
  return n;
}

/** Share of a model's context window the text of PDFs may take in one prompt (split between them). */
const PDF_TEXT_SHARE = 0.35;

/** Extracted PDF texts by content hash (and size limit): a PDF in the history is not re-read every turn. */
const pdfTexts = new Map<string, string | null>();
const PDF_CACHE_SIZE = 32;

export interface FileOptions {
  /** The model reads PDF files (otherwise they go as their text). */
  acceptsPdf: boolean;
  contextWindow: number;
  /** `attachments.pdfTextMaxChars`. */
  pdfTextMaxChars: number;
  log?: EngineLogger;
}

/**
 * The prompt's messages with their files' bytes: each message's attachments loaded from the store
 * as ChatFiles (a file gone from the store, e.g. an imported conversation's, becomes a note).
 */
export async function loadTurnFiles(store: AttachmentStore, messages: readonly HistoryMessage[], options: FileOptions): Promise<ChatMessage[]> {
  const ids = messages.flatMap((m) => (m.attachments ?? []).map((a) => a.id));
  if (ids.length === 0) return messages.map(strip);
  const data = await store.data(ids);
  const out = messages.map((m): ChatMessage => {
    if (!m.attachments?.length) return strip(m);
    const files: ChatFile[] = [];
    const missing: string[] = [];
    for (const a of m.attachments) {
      const bytes = data.get(a.id);
      if (!bytes) {
        missing.push(a.name);
        continue;
      }
      files.push({ mediaType: a.mediaType, data: bytes, name: a.name });
    }
    const note = missing.length ? `[Attached file${missing.length > 1 ? 's' : ''} no longer available: ${missing.join(', ')}]` : '';
    return { role: m.role, content: [note, m.content].filter(Boolean).join('\n'), ...(files.length ? { files } : {}) };
  });
  await addPdfTexts(out, options);
  return out;
}

/**
 * Gives every PDF its text when the model cannot read PDF files, within the context budget: the
 * PDFs of one prompt share PDF_TEXT_SHARE of the window (and `pdfTextMaxChars` each).
 */
export async function addPdfTexts(messages: ChatMessage[], options: FileOptions): Promise<void> {
  if (options.acceptsPdf) return;
  const pdfs = messages.flatMap((m) => (m.files ?? []).filter((f) => f.mediaType === 'application/pdf'));
  if (pdfs.length === 0) return;
  // About four characters a token (the estimate's rate for Latin text).
  const budgetChars = Math.floor((options.contextWindow * PDF_TEXT_SHARE * 4) / pdfs.length);
  const maxChars = Math.max(500, Math.min(options.pdfTextMaxChars, budgetChars));
  for (const f of pdfs) {
    const key = `${createHash('sha256').update(f.data).digest('hex')}:${maxChars}`;
    let text = pdfTexts.get(key);
    if (text === undefined) {
      text = await extractPdfText(f.data, maxChars, options.log);
      remember(key, text);
    }
    if (text !== null) f.text = text;
  }
}

function remember(key: string, text: string | null): void {
  pdfTexts.delete(key);
  pdfTexts.set(key, text);
  if (pdfTexts.size > PDF_CACHE_SIZE) pdfTexts.delete(pdfTexts.keys().next().value as string);
}

function strip(m: HistoryMessage): ChatMessage {
  if (!('attachments' in m)) return m;
  const { attachments: _attachments, ...rest } = m;
  return rest;
}
