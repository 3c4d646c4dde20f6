import type { EngineLogger, TurnContext, TurnHooks } from '../engine/engine.types';
import { errorText } from '../engine/error-text';

/**
 * A turn's own material (retrieved memories, ...): what each hook's `prepare` adds, joined; a
 * failing hook is skipped. It changes every turn, so the prompt carries it after the stable
 * prefix (system prompt and earlier turns), never inside the system prompt.
 */
export async function prepareTurnContext(hooks: readonly TurnHooks[], ctx: TurnContext, log: EngineLogger): Promise<string | undefined> {
  const sections: string[] = [];
  for (const hook of hooks) {
    if (!hook.prepare) continue;
    try {
      const extra = await hook.prepare(ctx);
      if (extra?.system) sections.push(extra.system);
    } catch (err) {
      log.warn({ hook: hook.name, err: errorText(err) }, 'turn hook failed to prepare; continuing without it');
    }
  }
  return sections.length ? sections.join('\n\n') : undefined;
}
