import type { Attachment } from '@switchboard/protocol';
import type { SessionRepository } from '../store/session-repository';
import { attachmentNotFound } from '../store/attachment.store';
import type { EngineLogger } from '../engine/engine.types';
import { cleanAttachmentName, type AttachmentPolicy } from './attachment-policy';
import { defaultAttachmentName } from './sniff-media-type';
import { fetchRemoteImage, type RemoteImage } from './remote-image';
import type { HostResolver } from '../tools/network-guard';

/** An upload as a door received it. */
export interface UploadInput {
  data: Uint8Array;
  /** The Content-Type the client declared (`application/octet-stream` or null: let the bytes say). */
  declaredType: string | null;
  name?: string | null;
}

/**
 * Uploads, reads and deletions of attachments: every file is checked (its type by its bytes, its
 * size) before anything is stored; what is refused leaves nothing behind.
 */
export class AttachmentService {
  constructor(
    private readonly deps: { repo: SessionRepository; policy: AttachmentPolicy; log: EngineLogger; resolve?: HostResolver },
  ) {}

  /** The configured rules (limits, types, what models read). */
  get policy(): AttachmentPolicy {
    return this.deps.policy;
  }

  /** Fetches a remote image for a message (when enabled, within the network policy), checked like an upload; nothing is stored. */
  fetchRemote(url: string): Promise<RemoteImage> {
    return fetchRemoteImage(url, this.deps.policy, this.deps.resolve);
  }

  /** Stores an upload of a conversation (`pending` until a message sends it). */
  async upload(sessionId: string, input: UploadInput): Promise<Attachment> {
    const { repo, policy, log } = this.deps;
    await repo.sessions.require(sessionId);
    const mediaType = policy.checkFile(input.data, input.declaredType);
    const name = cleanAttachmentName(input.name, defaultAttachmentName(mediaType));
    const attachment = await repo.attachments.create({ sessionId, name, mediaType, data: input.data });
    log.debug({ sessionId, attachmentId: attachment.id, mediaType, size: attachment.size }, 'attachment uploaded');
    return attachment;
  }

  /** An attachment's metadata; ATTACHMENT_NOT_FOUND when it is not this conversation's. */
  async get(sessionId: string, attachmentId: string): Promise<Attachment> {
    await this.deps.repo.sessions.require(sessionId);
    const found = await this.deps.repo.attachments.get(sessionId, attachmentId);
    if (!found) throw attachmentNotFound(sessionId, attachmentId);
    return found;
  }

  /** An attachment's metadata and bytes. */
  async content(sessionId: string, attachmentId: string): Promise<{ attachment: Attachment; data: Buffer }> {
    const attachment = await this.get(sessionId, attachmentId);
    const data = (await this.deps.repo.attachments.data([attachmentId])).get(attachmentId);
    if (!data) throw attachmentNotFound(sessionId, attachmentId);
    return { attachment, data };
  }

  /** Deletes an upload that was not sent. */
  async deletePending(sessionId: string, attachmentId: string): Promise<Attachment> {
    await this.deps.repo.sessions.require(sessionId);
    const deleted = await this.deps.repo.attachments.deletePending(sessionId, attachmentId);
    // The bytes leave the disk as a deleted message's do (SQLite secure_delete, WAL truncated).
    await this.deps.repo.eraseTraces();
    return deleted;
  }

  /** The retention sweep: uploads no message sent within `attachments.unsentTtlMinutes`. */
  async sweepUnsent(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.deps.policy.config.unsentTtlMinutes * 60_000).toISOString();
    const swept = await this.deps.repo.attachments.sweepPending(before);
    if (swept > 0) {
      await this.deps.repo.eraseTraces();
      this.deps.log.info({ swept }, 'unsent attachments deleted');
    }
    return swept;
  }
}
