import { Composer } from 'grammy';
import type { Message, User, UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { SwitchboardClient } from '@switchboard/protocol';
import type { TelegramConfig } from '../../config';
import type { Outbox } from '../../services/outbox';
import { targetOf, type ChatTarget } from '../chat-target';
import type { BotContext } from '../context';
import { BoundedSet } from '../../services/bounded-set';
import { senderOf } from '../sender';

export interface AccessDeps {
  config: TelegramConfig;
  client: SwitchboardClient;
  outbox: Outbox;
  logger: Logger;
}

// How often one stranger (or one group) is told how to get in: enough to be helpful, not a spam cannon.
const NOTICE_INTERVAL_MS = 60_000;
const GROUP_NOTICE_INTERVAL_MS = 10 * 60_000;

/** True when a group message is for the bot: a command to it, an @mention, or a reply to one of its messages. */
export function isAddressedToBot(msg: Message | undefined, me: UserFromGetMe): boolean {
  if (!msg) return false;
  const text = msg.text ?? msg.caption ?? '';
  const username = me.username.toLowerCase();
  for (const e of msg.entities ?? msg.caption_entities ?? []) {
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'mention' && part === `@${username}`) return true;
    if (e.type === 'text_mention' && e.user?.id === me.id) return true;
    if (e.type === 'bot_command' && e.offset === 0 && (!part.includes('@') || part.endsWith(`@${username}`))) return true;
  }
  const command = /^\/[a-z0-9_]+(?:@([a-z0-9_]+))?(?:\s|$)/i.exec(text);
  if (command && (!command[1] || command[1].toLowerCase() === username)) return true;
  if (new RegExp(`(^|[^\\w@])@${username}\\b`, 'i').test(text)) return true;
  // Forum messages "reply" to the topic's first message; that is not a reply to the bot.
  const reply = msg.reply_to_message;
  return Boolean(reply && reply.from?.id === me.id && !reply.forum_topic_created);
}

/** The text without the bot's @mention (commands keep their `@bot` suffix: the parser handles it). */
export function stripMention(text: string, username: string): string {
  if (text.startsWith('/')) return text.trim();
  return text.replace(new RegExp(`(^|\\s)@${username}\\b[,:]?`, 'gi'), ' ').replace(/\s+/g, ' ').trim();
}

function displayName(user: User): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ').slice(0, 200);
}

/**
 * The access gate, before any feature: DMs from allowlisted users or users approved by
 * pairing; groups only when allowed, and there only messages addressed to the bot. Everyone
 * else gets no model turn and nothing they send is stored.
 */
export function accessFeature(deps: AccessDeps): Composer<BotContext> {
  const { config, client, outbox, logger } = deps;
  const composer = new Composer<BotContext>();
  const lastNotice = new Map<number, number>();
  // Albums addressed to the bot in a group (`chatId:media_group_id`): their other items, which carry no mention, are let in too.
  const addressedAlbums = new BoundedSet<string>(1000);

  const noticeDue = (id: number, interval: number): boolean => {
    const now = Date.now();
    if ((lastNotice.get(id) ?? 0) + interval > now) return false;
    lastNotice.set(id, now);
    if (lastNotice.size > 10_000) lastNotice.clear();
    return true;
  };

  const privateAllowed = async (ctx: BotContext, user: User, target: ChatTarget): Promise<boolean> => {
    if (config.allowFrom.has(user.id)) return true;
    const isCallback = Boolean(ctx.callbackQuery);
    if (config.dmPolicy === 'allowlist') {
      logger.info({ userId: user.id }, 'message from a user not on the allowlist ignored');
      if (isCallback) await ctx.answerCallbackQuery({ text: 'Not allowed.' });
      else if (noticeDue(user.id, NOTICE_INTERVAL_MS)) {
        await outbox.sendPlain(target, `🔒 This assistant is private. Your Telegram user id is ${user.id}; its owner can add it to TELEGRAM_ALLOW_FROM.`);
      }
      return false;
    }
    const res = await client.checkAccess('telegram', {
      userId: String(user.id),
      ...(user.username ? { username: user.username } : {}),
      ...(displayName(user) ? { displayName: displayName(user) } : {}),
      pair: !isCallback,
    });
    if (res.allowed) return true;
    if (isCallback) {
      await ctx.answerCallbackQuery({ text: 'Not allowed.' });
      return false;
    }
    if (!res.pairing) {
      if (noticeDue(user.id, NOTICE_INTERVAL_MS)) await outbox.sendPlain(target, '🔒 This assistant is private and is not taking new pairing requests right now. Please try again later.');
      return false;
    }
    if (res.pairing.created || noticeDue(user.id, NOTICE_INTERVAL_MS)) {
      lastNotice.set(user.id, Date.now());
      const minutes = Math.max(1, Math.round((Date.parse(res.pairing.expiresAt) - Date.now()) / 60_000));
      const code = res.pairing.code;
      await outbox.sendHtml(
        target,
        `🔒 This assistant is private. To get access, send this pairing code to its owner:\n\n<code>${code}</code>\n\n` +
          `It expires in ${minutes} minute${minutes === 1 ? '' : 's'}. The owner approves it with <code>npm run switchboard -- pair ${code}</code> or from the dashboard.`,
      );
    }
    return false;
  };

  composer.use(async (ctx, next) => {
    const chat = ctx.chat;
    const user = ctx.from;
    // Channel posts and updates without a person behind them have nothing for the assistant.
    if (!chat || !user || user.is_bot) return;
    const message = ctx.message ?? (ctx.callbackQuery?.message as Message | undefined);
    const target = targetOf(chat, message);
    if (chat.type === 'private') {
      if (!(await privateAllowed(ctx, user, target))) return;
      const said = ctx.message?.text ?? ctx.message?.caption;
      ctx.sb = { target, sender: senderOf(user), ...(said !== undefined ? { text: said } : {}) };
      return next();
    }
    if (chat.type !== 'group' && chat.type !== 'supergroup') return;
    const album = ctx.message?.media_group_id ? `${chat.id}:${ctx.message.media_group_id}` : null;
    if (!ctx.callbackQuery && !isAddressedToBot(ctx.message, ctx.me)) {
      if (!album || !addressedAlbums.has(album)) return;
    } else if (album) addressedAlbums.add(album);
    if (!config.allowGroups.has(chat.id)) {
      logger.info({ chatId: chat.id }, 'message in a group that is not allowed ignored');
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: 'Not allowed here.' });
      else if (noticeDue(chat.id, GROUP_NOTICE_INTERVAL_MS)) {
        await outbox.sendPlain(target, `🔒 This group is not enabled for this assistant. Its owner can allow it with TELEGRAM_ALLOW_GROUPS=${chat.id}.`);
      }
      return;
    }
    const text = ctx.message?.text ?? ctx.message?.caption;
    ctx.sb = { target, sender: senderOf(user), ...(text !== undefined ? { text: stripMention(text, ctx.me.username) } : {}) };
    return next();
  });
  return composer;
}
