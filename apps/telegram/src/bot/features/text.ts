import { Composer } from 'grammy';
import type { Conversation } from '../../services/conversation';
import type { Outbox } from '../../services/outbox';
import type { BotContext } from '../context';

/** Plain text: one message to the chat's session; the reply streams back through the relay. */
export function textFeature(conversation: Conversation, outbox: Outbox): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('message:text', async (ctx) => {
    const target = ctx.sb!.target;
    const text = ctx.sb!.text ?? ctx.message.text;
    if (!text.trim()) {
      // Just "@bot" in a group: nothing to send to a model.
      await outbox.sendPlain(target, '👋 Mention me together with your question, or reply to one of my messages.', {
        replyTo: ctx.message.message_id,
      });
      return;
    }
    await conversation.send(target, text, { messageId: ctx.message.message_id, sender: ctx.sb!.sender });
  });
  return composer;
}
