import type { EngineLogger, TurnContext, TurnHooks } from '../engine/engine.types';
import { errorText } from '../engine/error-text';

/** A turn's system prompt: the base prompt plus what each hook's `prepare` adds (memory, ...); a failing hook is skipped. */
export async function prepareSystemPrompt(base: string, hooks: readonly TurnHooks[], ctx: TurnContext, log: EngineLogger): Promise<string> {
  let system = base;
  for (const hook of hooks) {
    if (!hook.prepare) continue;
    try {
      const extra = await hook.prepare(ctx);
      if (extra?.system) system += '\n\n' + extra.system;
    } catch (err) {
      log.warn({ hook: hook.name, err: errorText(err) }, 'turn hook failed to prepare; continuing without it');
    }
  }
  return system;
}
