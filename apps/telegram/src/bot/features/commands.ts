import { Composer } from 'grammy';
import { parseCommand } from '@switchboard/session';
import type { Conversation } from '../../services/conversation';
import type { BotContext } from '../context';

/**
 * Slash commands. They go to the API as typed: it runs them with the one shared command parser,
 * so /model, /local, /cloud, /reset, /usage, /memory, /stop behave exactly as in every door.
 * (`/model` alone also gets a keyboard to pick from; see the conversation.)
 */
export function commandsFeature(conversation: Conversation): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('message:text').filter(
    (ctx) => parseCommand(ctx.message.text) !== null,
    async (ctx) => {
      await conversation.send(ctx.sb!.target, ctx.message.text, { messageId: ctx.message.message_id, sender: ctx.sb!.sender });
    },
  );
  return composer;
}
