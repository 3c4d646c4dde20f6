import type { Context } from 'grammy';
import type { Sender } from '@switchboard/protocol';
import type { ChatTarget } from './chat-target';

/** What the access gate found out about an update, for the features after it. */
export interface AccessInfo {
  target: ChatTarget;
  /** Who sent the update (the Telegram user), as the API's message `sender`. */
  sender: Sender;
  /** The message text with the bot's @mention removed (groups), when there is text. */
  text?: string;
}

/** The bot's context: grammY's, plus the access gate's findings. */
export type BotContext = Context & { sb?: AccessInfo };
