import type { Context } from 'grammy';
import type { ChatTarget } from './chat-target';

/** What the access gate found out about an update, for the features after it. */
export interface AccessInfo {
  target: ChatTarget;
  /** The message text with the bot's @mention removed (groups), when there is text. */
  text?: string;
}

/** The bot's context: grammY's, plus the access gate's findings. */
export type BotContext = Context & { sb?: AccessInfo };
