'use client';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import type { Message } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { mergeMessageEvent, type MessagesCache } from '../../lib/cache-merge';
import { storeSessions } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { commandEcho } from '../../lib/transcript';
import { uploadType } from './attachments';

/** A random id (crypto.randomUUID needs a secure context; plain-HTTP LAN access has none). */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface StartOptions {
  projectId?: string;
  agent?: string;
  /** Files sent with the first message (uploaded once the conversation exists). */
  files?: readonly File[];
}

/**
 * Starts a web conversation with its first message: nothing is stored until then, so "New" never
 * leaves an empty conversation behind. If the first message (or one of its files) is refused, the
 * new conversation is removed again and the error goes to the composer (which keeps the text and
 * the files).
 */
export function useStartConversation() {
  const api = useApi();
  const qc = useQueryClient();
  const router = useRouter();
  return async (text: string, options: StartOptions = {}): Promise<string> => {
    const s = await api.client.createSession({
      channel: 'web',
      peerId: `web-${randomId()}`,
      ...(options.projectId?.trim() ? { projectId: options.projectId.trim() } : {}),
      ...(options.agent?.trim() ? { agent: options.agent.trim() } : {}),
    });
    try {
      const attachmentIds: string[] = [];
      for (const f of options.files ?? []) attachmentIds.push((await api.client.uploadAttachment(s.id, f, uploadType(f), f.name || undefined)).id);
      const res = await api.client.sendMessage(s.id, { text, ...(attachmentIds.length ? { attachmentIds } : {}) });
      if (res.command) {
        const at = res.reply?.createdAt ?? new Date().toISOString();
        qc.setQueryData<Message[]>(queryKeys.ephemeral(s.id), [commandEcho(s.id, text.trim(), at), ...(res.reply ? [res.reply] : [])]);
      } else if (res.message) {
        const m = res.message;
        qc.setQueryData<MessagesCache | undefined>(queryKeys.messages(s.id), (c) => mergeMessageEvent(c, m, Date.now()));
      }
    } catch (err) {
      await api.client.deleteSession(s.id).catch(() => undefined);
      throw err;
    }
    storeSessions(qc, [await api.client.getSession(s.id)]);
    router.replace(`/chat/${s.id}`);
    return s.id;
  };
}
