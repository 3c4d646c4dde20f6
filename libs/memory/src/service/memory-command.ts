import type { TurnSpeaker } from '@switchboard/models';
import type { MemoryRecord } from '../store/memory.store';
import { readableFor, type MemoryService } from './memory.service';

/** The `/memory` command (a CommandExtension for the engine's shared command handler). */
export interface MemoryCommand {
  name: 'memory';
  run(ctx: {
    sessionId: string;
    projectId: string | null;
    speaker?: TurnSpeaker | null;
    groupId?: string | null;
    args: string[];
    argText: string;
  }): Promise<{ text: string; ok?: boolean }>;
}

const LIST_LIMIT = 20;

/** How a listed memory says whose it is (the speaker sees only their own person memories). */
export function scopeLabel(m: Pick<MemoryRecord, 'scope' | 'projectId'>): string {
  switch (m.scope) {
    case 'person':
      return 'yours';
    case 'group':
      return 'group';
    case 'project':
      return `project ${m.projectId}`;
    case 'global':
      return 'global — shared with everyone';
  }
}

/**
 * `/memory` lists what the speaker may see here — the same memories a reply may draw on (their
 * own in a private chat, the group's in a group, the project's, global); `/memory <words>` searches it.
 */
export function memoryCommand(service: MemoryService): MemoryCommand {
  return {
    name: 'memory',
    async run(ctx) {
      const settings = await service.settings();
      const filter = readableFor({ speaker: ctx.speaker ?? null, groupId: ctx.groupId ?? null, projectId: ctx.projectId });
      const query = ctx.argText.trim();
      const items = query
        ? (await service.store.search(query, filter, LIST_LIMIT)).map((h) => h.record)
        : await service.store.recent(filter, LIST_LIMIT);
      const total = await service.store.count(filter);
      const lines: string[] = [];
      if (!settings.enabled) lines.push('Memory is off: nothing new is remembered or used in replies.');
      if (items.length === 0) {
        lines.push(query ? `Nothing remembered matches "${query}".` : 'Nothing is remembered yet.');
        return { text: lines.join('\n') };
      }
      const heading = query ? `Memories matching "${query}":` : `What I remember (${items.length < total ? `${items.length} of ${total}, newest first` : total}):`;
      lines.push(heading);
      for (const m of items) lines.push(`• ${m.content} — ${scopeLabel(m)} · ${m.id.slice(0, 8)}`);
      lines.push('', 'Edit or delete memories on the dashboard memory page or through /api/v1/memories.');
      return { text: lines.join('\n') };
    },
  };
}
