import { GrammyError, type Api, type InlineKeyboard } from 'grammy';
import type { Logger } from 'pino';
import type { ChatTarget } from '../bot/chat-target';
import { escapeHtml, htmlToPlain } from '../format/html';
import { splitTelegramHtml } from '../format/split-html';

export interface SendOptions {
  /** Quote this message (in groups, so people see what is answered). */
  replyTo?: number;
  keyboard?: InlineKeyboard;
  disablePreview?: boolean;
}

/** True when Telegram refused the formatting (the text is fine as plain text). */
export function isParseError(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /can't parse entities|unsupported start tag|can't find end tag|unmatched end tag/i.test(err.description);
}

export function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);
}

/**
 * Everything the bot says, per chat in order: one promise chain per chat (so a reply never
 * overtakes the one before it), formatted sends that fall back to plain text when Telegram
 * cannot parse them, and long texts split under Telegram's limit.
 */
export class Outbox {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly api: Api,
    private readonly logger: Logger,
    private readonly describe: (err: unknown) => string,
  ) {}

  /** Runs fn after everything queued before it for the same chat; failures are logged, not thrown. */
  run<T>(target: ChatTarget, fn: () => Promise<T>): Promise<T | undefined> {
    const key = target.peerId;
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(fn).catch((err: unknown) => {
      this.logger.warn({ chatId: target.chatId, err: this.describe(err) }, 'could not deliver to Telegram');
      return undefined;
    });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** Resolves when everything queued so far has been sent (for shutdown and tests). */
  async drain(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  /** Sends plain text (no parse mode), split under the limit; returns the message ids. */
  async sendPlain(target: ChatTarget, text: string, opts: SendOptions = {}): Promise<number[]> {
    const chunks = splitTelegramHtml(escapeHtml(text)).map(htmlToPlain);
    const ids: number[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const last = i === chunks.length - 1;
      const msg = await this.api.sendMessage(target.chatId, chunk, this.params(target, { ...opts, keyboard: last ? opts.keyboard : undefined, replyTo: i === 0 ? opts.replyTo : undefined }));
      ids.push(msg.message_id);
    }
    return ids;
  }

  /** Sends Telegram HTML split into chunks; a chunk Telegram cannot parse goes again as plain text. */
  async sendHtml(target: ChatTarget, html: string, opts: SendOptions = {}): Promise<number[]> {
    const ids: number[] = [];
    const chunks = splitTelegramHtml(html);
    for (const [i, chunk] of chunks.entries()) {
      const o = { ...opts, keyboard: i === chunks.length - 1 ? opts.keyboard : undefined, replyTo: i === 0 ? opts.replyTo : undefined };
      ids.push(await this.sendHtmlChunk(target, chunk, o));
    }
    return ids;
  }

  async sendHtmlChunk(target: ChatTarget, chunk: string, opts: SendOptions = {}): Promise<number> {
    try {
      return (await this.api.sendMessage(target.chatId, chunk, { ...this.params(target, opts), parse_mode: 'HTML' })).message_id;
    } catch (err) {
      if (!isParseError(err)) throw err;
      this.logger.warn({ chatId: target.chatId, err: this.describe(err) }, 'Telegram could not parse the formatting; sending plain text');
      return (await this.api.sendMessage(target.chatId, htmlToPlain(chunk), this.params(target, opts))).message_id;
    }
  }

  /** Replaces a message's text with HTML (plain text if Telegram cannot parse it); false if the message is gone. */
  async editHtml(target: ChatTarget, messageId: number, chunk: string, opts: SendOptions = {}): Promise<boolean> {
    const extra = { ...(opts.keyboard ? { reply_markup: opts.keyboard } : {}), ...(opts.disablePreview ? { link_preview_options: { is_disabled: true } } : {}) };
    try {
      await this.api.editMessageText(target.chatId, messageId, chunk, { ...extra, parse_mode: 'HTML' });
      return true;
    } catch (err) {
      if (isNotModified(err)) return true;
      if (!isParseError(err)) {
        this.logger.debug({ chatId: target.chatId, err: this.describe(err) }, 'edit failed');
        return false;
      }
    }
    try {
      await this.api.editMessageText(target.chatId, messageId, htmlToPlain(chunk), extra);
      return true;
    } catch (err) {
      return isNotModified(err);
    }
  }

  /** Replaces a message's text with plain text; false if that failed (other than "not modified"). */
  async editPlain(target: ChatTarget, messageId: number, text: string): Promise<boolean> {
    try {
      await this.api.editMessageText(target.chatId, messageId, text, { link_preview_options: { is_disabled: true } });
      return true;
    } catch (err) {
      return isNotModified(err);
    }
  }

  params(target: ChatTarget, opts: SendOptions) {
    return {
      ...(target.threadId ? { message_thread_id: target.threadId } : {}),
      ...(opts.replyTo ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } } : {}),
      ...(opts.keyboard ? { reply_markup: opts.keyboard } : {}),
      ...(opts.disablePreview ? { link_preview_options: { is_disabled: true } } : {}),
    };
  }
}
