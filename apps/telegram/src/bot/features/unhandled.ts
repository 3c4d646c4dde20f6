import { Composer } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from '../context';

/** Last in line: buttons nobody handles stop spinning; anything else is noted and dropped. */
export function unhandledFeature(logger: Logger): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery();
  });
  composer.use((ctx) => {
    const kinds = Object.keys(ctx.update).filter((k) => k !== 'update_id');
    logger.debug({ updateId: ctx.update.update_id, kinds }, 'update ignored');
  });
  return composer;
}
