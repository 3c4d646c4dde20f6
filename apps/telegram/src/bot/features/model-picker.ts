import { Composer, GrammyError } from 'grammy';
import { SwitchboardApiError, type Session, type SwitchboardClient } from '@switchboard/protocol';
import type { Conversation } from '../../services/conversation';
import type { BotContext } from '../context';
import { MODEL_CALLBACK, MODEL_DEFAULT_CALLBACK } from '../model-keyboard';

/**
 * The /model keyboard: a button sets the chat's session override (through the API, as the
 * dashboard does) and the message is edited to show the choice, with the ticks updated.
 */
export function modelPickerFeature(client: SwitchboardClient, conversation: Conversation): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const show = async (ctx: BotContext, session: Session, text: string) => {
    await ctx.answerCallbackQuery({ text: `Model: ${session.effectiveModel.label}` });
    const keyboard = await conversation.modelKeyboardFor(session.id);
    try {
      await ctx.editMessageText(text, { reply_markup: keyboard });
    } catch (err) {
      // Picking the model that is already active changes nothing on screen.
      if (!(err instanceof GrammyError && /message is not modified/i.test(err.description))) throw err;
    }
  };

  composer.callbackQuery(MODEL_CALLBACK, async (ctx) => {
    const ref = ctx.match[1];
    let session: Session;
    try {
      session = await conversation.withSession(ctx.sb!.target, (id) => client.setSessionModel(id, ref));
    } catch (err) {
      if (err instanceof SwitchboardApiError && err.code === 'INVALID_MODEL') {
        await ctx.answerCallbackQuery({ text: `That model is no longer available. Send /model for the current list.`, show_alert: true });
        return;
      }
      throw err;
    }
    await show(ctx, session, `✅ This chat now uses ${session.effectiveModel.label} (session override).\nPick another, or follow the global default:`);
  });

  composer.callbackQuery(MODEL_DEFAULT_CALLBACK, async (ctx) => {
    const session = await conversation.withSession(ctx.sb!.target, (id) => client.clearSessionModel(id));
    await show(ctx, session, `✅ This chat follows the global default again: ${session.effectiveModel.label}.\nPick a model to override it:`);
  });
  return composer;
}
