import { ErrorCode, SwitchboardError, type AttachmentMediaType, type MessageAttachment } from '@switchboard/protocol';
import type { AttachmentsConfig, ModelCatalog } from '@switchboard/models';
import { sniffMediaType } from './sniff-media-type';

const MIB = 1024 * 1024;

/** Bytes as people read them: "10 MiB", "512 KiB". */
export function formatBytes(n: number): string {
  if (n >= MIB) return `${Math.round((n / MIB) * 10) / 10} MiB`;
  return `${Math.max(1, Math.round(n / 1024))} KiB`;
}

/** A limit and a size over it, as people read them: in bytes when rounding would make both look the same. */
export function limitAndSize(max: number, size: number): [string, string] {
  if (formatBytes(max) !== formatBytes(size)) return [formatBytes(max), formatBytes(size)];
  return [`${max.toLocaleString('en-US')} bytes`, `${size.toLocaleString('en-US')} bytes`];
}

/**
 * The configured rules for attachments, checked before anything is stored: types (by the file's
 * own bytes, not only what the client declares), sizes per file and per message, files per
 * message, and whether the turn's model can read them.
 */
export class AttachmentPolicy {
  constructor(
    readonly config: AttachmentsConfig,
    private readonly catalog: ModelCatalog,
  ) {}

  /**
   * The type of an upload, from its bytes: it must be an allowed type, and match the declared one
   * unless the client declared none (`application/octet-stream`). Also checks its size.
   */
  checkFile(bytes: Uint8Array, declared: string | null): AttachmentMediaType {
    const allowed = this.config.types;
    if (allowed.length === 0) {
      throw new SwitchboardError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED, 'Attachments are turned off on this server (attachments.types is empty).', { allowed });
    }
    if (bytes.byteLength === 0) throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'body: the file is empty', { field: 'body' });
    this.checkFileSize(bytes.byteLength);
    const sniffed = sniffMediaType(bytes);
    const claimed = declared && declared !== 'application/octet-stream' ? declared.toLowerCase() : null;
    if (!sniffed) {
      throw new SwitchboardError(
        ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
        `This file is not one of the accepted types (${allowed.join(', ')})${claimed ? `, whatever its Content-Type (${claimed.slice(0, 100)}) says` : ''}.`,
        { allowed, declared: claimed },
      );
    }
    if (claimed && claimed !== sniffed && !(claimed === 'image/jpg' && sniffed === 'image/jpeg')) {
      throw new SwitchboardError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED, `The file's bytes are ${sniffed}, but it was sent as ${claimed.slice(0, 100)}.`, {
        allowed,
        declared: claimed,
        detected: sniffed,
      });
    }
    if (!allowed.includes(sniffed)) {
      throw new SwitchboardError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED, `${sniffed} files are not accepted here (allowed: ${allowed.join(', ')}).`, {
        allowed,
        detected: sniffed,
      });
    }
    return sniffed;
  }

  /** ATTACHMENT_TOO_LARGE for a file over the per-file limit. */
  checkFileSize(size: number): void {
    if (size > this.config.maxFileBytes) {
      const [max, actual] = limitAndSize(this.config.maxFileBytes, size);
      throw new SwitchboardError(ErrorCode.ATTACHMENT_TOO_LARGE, `A file may be at most ${max} (this one is ${actual}).`, {
        limit: 'file',
        maxBytes: this.config.maxFileBytes,
        size,
      });
    }
  }

  /** TOO_MANY_ATTACHMENTS past the per-message count. */
  checkCount(count: number): void {
    if (count > this.config.maxFiles) {
      throw new SwitchboardError(ErrorCode.TOO_MANY_ATTACHMENTS, `A message may carry at most ${this.config.maxFiles} files (this one has ${count}).`, {
        max: this.config.maxFiles,
        count,
      });
    }
  }

  /** The count and total size of one message's files. */
  checkMessage(files: readonly Pick<MessageAttachment, 'size'>[]): void {
    this.checkCount(files.length);
    const total = files.reduce((n, f) => n + f.size, 0);
    if (total > this.config.maxMessageBytes) {
      const [max, actual] = limitAndSize(this.config.maxMessageBytes, total);
      throw new SwitchboardError(
        ErrorCode.ATTACHMENT_TOO_LARGE,
        `The files of one message may be at most ${max} together (these are ${actual}).`,
        { limit: 'message', maxBytes: this.config.maxMessageBytes, size: total },
      );
    }
  }

  /**
   * Refuses images for a model that cannot see (a PDF always goes: as a file, or as its text).
   * The message names the model and suggests ones that can; attachments never pick a model.
   */
  requireReadable(modelConfigId: string, files: readonly Pick<MessageAttachment, 'mediaType'>[]): void {
    if (!files.some((f) => f.mediaType.startsWith('image/')) || this.catalog.accepts(modelConfigId, 'image')) return;
    const label = this.catalog.label(modelConfigId);
    const suggestions = this.catalog.modelsAccepting('image').slice(0, 5);
    const hint = suggestions.length
      ? ` Models that can: ${suggestions.map((m) => `${m.label} (${m.id})`).join(', ')} — send it with that model (\`model\`, or /model ${suggestions[0].id}).`
      : ' No configured model can read images (add "input": ["text", "image"] to one that can in the config file).';
    throw new SwitchboardError(ErrorCode.ATTACHMENT_NOT_SUPPORTED, `${label} cannot read images, so this message was not sent.${hint}`, {
      model: modelConfigId,
      input: 'image',
      suggestions: suggestions.map((m) => ({ id: m.id, label: m.label })),
    });
  }
}

/** A file name as stored: no path, no control characters, at most `max` characters (the extension kept). */
export function cleanAttachmentName(raw: string | undefined | null, fallback: string, max = 200): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!clean) return fallback;
  if (clean.length <= max) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return clean.slice(0, max - ext.length) + ext;
}
