import type { MemoryService } from './memory.service';

/** The `/memory` command (a CommandExtension for the engine's shared command handler). */
export interface MemoryCommand {
  name: 'memory';
  run(ctx: { sessionId: string; projectId: string | null; args: string[]; argText: string }): Promise<{ text: string; ok?: boolean }>;
}

const LIST_LIMIT = 20;

/** `/memory` lists what this conversation can draw on (global + its project); `/memory <words>` searches it. */
export function memoryCommand(service: MemoryService): MemoryCommand {
  return {
    name: 'memory',
    async run(ctx) {
      const settings = await service.settings();
      const filter = { scope: 'session' as const, projectId: ctx.projectId };
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
      for (const m of items) lines.push(`• ${m.content} — ${m.scope === 'global' ? 'global' : `project ${m.projectId}`} · ${m.id.slice(0, 8)}`);
      lines.push('', 'Edit or delete memories on the dashboard memory page or through /api/v1/memories.');
      return { text: lines.join('\n') };
    },
  };
}
