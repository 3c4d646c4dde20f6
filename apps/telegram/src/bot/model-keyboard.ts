import { InlineKeyboard } from 'grammy';
import type { ModelInfo } from '@switchboard/protocol';

/** Callback data of the picker: `m:<model id>` sets the override, `m!default` clears it. */
export const MODEL_CALLBACK = /^m:(.+)$/;
export const MODEL_DEFAULT_CALLBACK = 'm!default';

/** One button per enabled model (the active one ticked), plus "follow the default". */
export function modelKeyboard(models: readonly ModelInfo[], activeId: string, hasOverride: boolean): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const m of models.filter((x) => x.enabled)) {
    const data = `m:${m.id}`;
    // Telegram caps callback data at 64 bytes; model ids are at most 64 characters.
    if (Buffer.byteLength(data) > 64) continue;
    kb.text(`${m.id === activeId ? '✓ ' : ''}${m.label}`, data).row();
  }
  kb.text(`${hasOverride ? '' : '✓ '}Follow the global default`, MODEL_DEFAULT_CALLBACK);
  return kb;
}
