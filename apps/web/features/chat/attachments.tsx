'use client';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { MessageAttachment } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { formatBytes } from '../../lib/format';
import { AlertIcon, CloseIcon, FileIcon, PaperclipIcon } from '../shell/icons';

/**
 * What the file picker offers: the API's default types (the API decides, by the bytes; a file
 * dropped or pasted is sent whatever its type, and a refusal is shown on its chip). Kept here
 * rather than imported so the browser bundle does not pull the protocol's zod schemas.
 */
export const ATTACHMENT_ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf';

/**
 * The Content-Type an upload declares: the file's own when it is one the API reads, else
 * `application/octet-stream`, so the API reads the bytes and answers in words what it takes
 * (a text file declared `text/plain` would be turned away by the route before that).
 */
export function uploadType(file: { type: string }): string {
  return ATTACHMENT_ACCEPT.split(',').includes(file.type) ? file.type : 'application/octet-stream';
}

/** A file chosen for the next message: uploading, uploaded (its id), or refused (the API's words). */
export interface DraftFile {
  key: string;
  name: string;
  mediaType: string;
  size: number;
  /** An object URL of the file for an image's thumbnail (revoked when the chip goes). */
  preview: string | null;
  state: 'uploading' | 'ready' | 'failed';
  id?: string;
  error?: string;
}

export interface AttachmentDraft {
  files: DraftFile[];
  add(files: readonly File[]): void;
  remove(key: string): void;
  /** The uploaded files' ids, in the order chosen. */
  readyIds(): string[];
  /** The message went: the chips go (the files now belong to the message). */
  sent(): void;
  uploading: boolean;
  failed: boolean;
}

let nextKey = 0;

/**
 * The files waiting for the next message of a conversation. Each is uploaded as soon as it is
 * chosen, so a refusal (too large, a type not allowed) shows at once on its chip.
 */
export function useAttachmentDraft(sessionId: string): AttachmentDraft {
  const api = useApi();
  const [files, setFiles] = useState<DraftFile[]>([]);
  const current = useRef(files);
  current.current = files;
  const patch = (key: string, change: Partial<DraftFile>) => setFiles((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));

  // Object URLs are released when the conversation (or the page) goes.
  useEffect(
    () => () => {
      for (const f of current.current) if (f.preview) URL.revokeObjectURL(f.preview);
    },
    [],
  );

  const add = useCallback(
    (chosen: readonly File[]) => {
      const added = chosen.map<DraftFile & { file: File }>((file) => ({
        key: `file-${++nextKey}`,
        name: file.name || (file.type === 'application/pdf' ? 'document.pdf' : 'image'),
        mediaType: file.type || 'application/octet-stream',
        size: file.size,
        preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
        state: 'uploading',
        file,
      }));
      setFiles((list) => [...list, ...added.map(({ file: _file, ...f }) => f)]);
      for (const f of added) {
        api.client
          .uploadAttachment(sessionId, f.file, uploadType(f.file), f.name)
          .then((a) => patch(f.key, { state: 'ready', id: a.id, name: a.name }))
          .catch((err: unknown) => patch(f.key, { state: 'failed', error: apiErrorOf(err).message }));
      }
    },
    [api, sessionId],
  );

  const remove = useCallback(
    (key: string) => {
      const f = current.current.find((x) => x.key === key);
      if (!f) return;
      if (f.preview) URL.revokeObjectURL(f.preview);
      setFiles((list) => list.filter((x) => x.key !== key));
      // An upload no message sent is swept by the API anyway; deleting it now frees it at once.
      if (f.id) api.client.deleteAttachment(sessionId, f.id).catch(() => undefined);
    },
    [api, sessionId],
  );

  const sent = useCallback(() => {
    for (const f of current.current) if (f.preview) URL.revokeObjectURL(f.preview);
    setFiles([]);
  }, []);

  return {
    files,
    add,
    remove,
    sent,
    readyIds: () => current.current.filter((f) => f.state === 'ready' && f.id).map((f) => f.id!),
    uploading: files.some((f) => f.state === 'uploading'),
    failed: files.some((f) => f.state === 'failed'),
  };
}

/**
 * Files for the first message of a new conversation, which does not exist yet: kept in the page
 * and uploaded when the message is sent (nothing is stored before), so a refusal shows then.
 */
export function useLocalAttachmentDraft(): AttachmentDraft & { chosen(): File[] } {
  const [files, setFiles] = useState<Array<DraftFile & { file: File }>>([]);
  const current = useRef(files);
  current.current = files;
  useEffect(
    () => () => {
      for (const f of current.current) if (f.preview) URL.revokeObjectURL(f.preview);
    },
    [],
  );
  const add = useCallback((chosen: readonly File[]) => {
    const added = chosen.map((file) => ({
      key: `file-${++nextKey}`,
      name: file.name || 'image',
      mediaType: file.type || 'application/octet-stream',
      size: file.size,
      preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
      state: 'ready' as const,
      file,
    }));
    setFiles((list) => [...list, ...added]);
  }, []);
  const remove = useCallback((key: string) => {
    const f = current.current.find((x) => x.key === key);
    if (f?.preview) URL.revokeObjectURL(f.preview);
    setFiles((list) => list.filter((x) => x.key !== key));
  }, []);
  const sent = useCallback(() => {
    for (const f of current.current) if (f.preview) URL.revokeObjectURL(f.preview);
    setFiles([]);
  }, []);
  return { files, add, remove, sent, readyIds: () => [], chosen: () => current.current.map((f) => f.file), uploading: false, failed: false };
}

/** The chips of the files waiting for the next message, above the message box. */
export function DraftFiles({ draft }: { draft: AttachmentDraft }) {
  if (draft.files.length === 0) return null;
  return (
    <ul className="draft-files" aria-label="Files to send" data-testid="draft-files">
      {draft.files.map((f) => (
        <li key={f.key} className={`draft-file draft-file--${f.state}`} data-state={f.state} data-testid="draft-file">
          {f.preview ? <img className="draft-file__thumb" src={f.preview} alt="" /> : <FileIcon size={18} className="draft-file__icon" />}
          <span className="draft-file__text">
            <span className="draft-file__name">{f.name}</span>
            <span className="draft-file__sub" role={f.state === 'failed' ? 'alert' : undefined}>
              {f.state === 'uploading' ? 'Uploading…' : f.state === 'failed' ? f.error : formatBytes(f.size)}
            </span>
          </span>
          <button type="button" className="icon-button draft-file__remove" onClick={() => draft.remove(f.key)} aria-label={`Remove ${f.name}`} title="Remove">
            <CloseIcon size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** True when a drag carries files (not text or a link dragged from the page). */
function carriesFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/** Drag and drop of files onto an element: the handlers to spread on it, and whether files are over it. */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current += 1;
      setOver(true);
    },
    onDragOver: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    },
    onDrop: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      const files = Array.from(e.dataTransfer.files);
      if (files.length) onFiles(files);
    },
  };
  return { over, handlers };
}

/** What a conversation shows while files are dragged over it. */
export function DropOverlay() {
  return (
    <div className="drop-overlay" aria-hidden>
      <PaperclipIcon size={28} />
      <span>Drop images or PDFs to attach them</span>
    </div>
  );
}

/** A sent message's files: images as thumbnails (opening the full image), other files as a chip. */
export function MessageFiles({ sessionId, files }: { sessionId: string; files: readonly MessageAttachment[] }) {
  const api = useApi();
  return (
    <ul className="msg__files" aria-label="Attached files" data-testid="message-files">
      {files.map((f) => {
        const url = api.client.attachmentContentUrl(sessionId, f.id);
        const image = f.mediaType.startsWith('image/');
        return (
          <li key={f.id}>
            {image ? (
              <a className="msg__image" href={url} target="_blank" rel="noopener noreferrer" title={`${f.name} · ${formatBytes(f.size)}`} data-testid="message-image">
                <img src={url} alt={f.name} loading="lazy" />
              </a>
            ) : (
              <a className="msg__file" href={url} download={f.name} data-testid="message-file">
                <FileIcon size={18} />
                <span className="msg__file-text">
                  <span className="msg__file-name">{f.name}</span>
                  <span className="msg__file-size">
                    {f.mediaType === 'application/pdf' ? 'PDF' : f.mediaType} · {formatBytes(f.size)}
                  </span>
                </span>
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The model of a send could not read its files: the API's words, and its suggested models one click away. */
export interface AttachmentRefusal {
  message: string;
  suggestions: Array<{ id: string; label: string }>;
}

/** Reads an ATTACHMENT_NOT_SUPPORTED refusal; null for any other error. */
export function attachmentRefusalOf(err: unknown): AttachmentRefusal | null {
  const info = apiErrorOf(err);
  if (info.code !== 'ATTACHMENT_NOT_SUPPORTED') return null;
  const raw = Array.isArray(info.details?.suggestions) ? (info.details.suggestions as unknown[]) : [];
  const suggestions = raw.flatMap((s) => {
    const o = s as { id?: unknown; label?: unknown };
    return typeof o?.id === 'string' ? [{ id: o.id, label: typeof o.label === 'string' ? o.label : o.id }] : [];
  });
  return { message: info.message, suggestions };
}

export function AttachmentRefusalLine({ refusal, onPick, onDismiss }: { refusal: AttachmentRefusal; onPick(modelId: string): void; onDismiss(): void }) {
  return (
    <div className="limit-notice attachment-refusal" role="alert" data-testid="attachment-refusal">
      <AlertIcon size={16} />
      <span className="limit-notice__text">
        {refusal.message}
        {refusal.suggestions.length ? (
          <span className="attachment-refusal__picks">
            {refusal.suggestions.map((s) => (
              <button key={s.id} type="button" className="btn btn--sm" onClick={() => onPick(s.id)}>
                Use {s.label}
              </button>
            ))}
          </span>
        ) : null}
      </span>
      <button type="button" className="icon-button limit-notice__close" onClick={onDismiss} aria-label="Dismiss">
        <CloseIcon size={14} />
      </button>
    </div>
  );
}
