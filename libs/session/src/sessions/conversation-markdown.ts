import { modelSourceLabel, type Message, type PersonRef, type Session } from '@switchboard/protocol';
import { formatBytes } from '../attachments/attachment-policy';

/** What the Markdown export calls the people of a conversation. */
export interface MarkdownNames {
  /** Display names by person id (senders in group chats). */
  people?: ReadonlyMap<string, PersonRef>;
}

/** A conversation's file name stem: its title, kebab-cased, ASCII only, never empty. */
export function exportFileStem(session: Pick<Session, 'id' | 'title'>): string {
  const stem = (session.title ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return stem || `conversation-${session.id.slice(0, 8)}`;
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}

/**
 * A conversation as Markdown: the title, then each message under its author (assistant replies
 * name their model and why it was used), system events as quoted lines. Message text is kept as
 * written (it is Markdown already).
 */
export function conversationMarkdown(session: Session, messages: readonly Message[], names: MarkdownNames = {}): string {
  const out: string[] = [`# ${session.title?.trim() || 'Conversation'}`, ''];
  const meta = [`${session.channel} conversation`, `started ${session.createdAt}`];
  if (session.projectId) meta.push(`project ${session.projectId}`);
  if (session.agent) meta.push(`agent ${session.agent}`);
  out.push(`_${meta.join(' · ')}_`, '');
  for (const m of messages) {
    if (m.role === 'system' || (m.kind !== 'text' && m.kind !== 'command' && m.kind !== 'command_reply')) {
      out.push(quote(`*${m.kind.replace(/_/g, ' ')}:* ${m.content}`), '');
      continue;
    }
    let heading: string;
    if (m.role === 'user') {
      const who = m.personId ? names.people?.get(m.personId)?.displayName : undefined;
      heading = `**${who ?? 'User'}**`;
    } else {
      const model = m.modelLabel ?? m.modelConfigId;
      heading = `**Assistant**${model ? ` · ${model} (${modelSourceLabel(m.modelSource)})` : ''}`;
      if (m.status !== 'complete') heading += ` · _${m.status}_`;
    }
    const files = m.attachments ?? [];
    out.push(`${heading} · ${m.createdAt}`, '');
    if (m.content.trim() || !files.length) out.push(m.content.trim() || '_(empty)_', '');
    // Files are named, not embedded: the export is text (their bytes stay with the conversation).
    if (files.length) out.push(...files.map((f) => `- 📎 ${f.name} (${f.mediaType}, ${formatBytes(f.size)})`), '');
  }
  return out.join('\n').trimEnd() + '\n';
}
