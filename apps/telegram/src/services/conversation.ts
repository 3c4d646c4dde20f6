import type { Logger } from 'pino';
import { SwitchboardApiError, type Sender, type SendMessageRequest, type SendMessageResponse, type SwitchboardClient } from '@switchboard/protocol';
import { parseCommand } from '@switchboard/session';
import type { ChatTarget } from '../bot/chat-target';
import { friendlyError } from '../bot/errors';
import { modelKeyboard } from '../bot/model-keyboard';
import type { Outbox } from './outbox';
import type { ReplyRelay } from './reply-relay';
import type { SessionDirectory } from './session-directory';
import type { Typing } from './typing';

export interface ConversationOptions {
  client: SwitchboardClient;
  sessions: SessionDirectory;
  relay: ReplyRelay;
  outbox: Outbox;
  typing: Typing;
  logger: Logger;
  describe: (err: unknown) => string;
}

/** Where a text came from in Telegram (to quote it) and who sent it (the speaker the API resolves to a person). */
export interface Source {
  messageId: number;
  sender: Sender;
}

/**
 * Sends what a user typed (text or a command) to the chat's session, exactly as any door
 * would: the API parses commands with the shared parser and queues when the chat is busy.
 * Command replies and queue notices are answered here; turns arrive through the relay.
 */
export class Conversation {
  constructor(private readonly o: ConversationOptions) {}

  /** Sends a text (and the files uploaded for it, `attachmentIds`) to the chat's session. */
  async send(target: ChatTarget, text: string, source: Source, attachmentIds: readonly string[] = []): Promise<void> {
    const { client, relay, typing } = this.o;
    await this.withSession(target, async (sessionId) => {
      typing.pulse(target);
      const watching = await relay.watch(sessionId, target);
      if (!parseCommand(text)) relay.expect(sessionId, text, source.messageId);
      if (!watching) return this.sendWithoutEvents(sessionId, target, request(text, source, attachmentIds), source);
      // A refusal (a limit of the speaker, a full queue, a model that cannot read the files) throws: the caller answers it.
      const res = await client.sendMessage(sessionId, request(text, source, attachmentIds));
      await this.answer(sessionId, target, res, source);
    });
  }

  /** Runs fn with the chat's session; once more with a fresh one if the API lost it (database replaced). */
  async withSession<T>(target: ChatTarget, fn: (sessionId: string) => Promise<T>): Promise<T> {
    const { sessions } = this.o;
    try {
      return await fn(await sessions.sessionFor(target));
    } catch (err) {
      if (!(err instanceof SwitchboardApiError && err.code === 'SESSION_NOT_FOUND')) throw err;
      sessions.forget(target);
      return fn(await sessions.sessionFor(target));
    }
  }

  private async answer(sessionId: string, target: ChatTarget, res: SendMessageResponse, source: Source): Promise<void> {
    const { outbox } = this.o;
    if (res.command && res.reply?.kind === 'command_reply') {
      const showPicker = res.command.name === 'model' && res.command.args.length === 0 && res.command.ok;
      const keyboard = showPicker ? await this.modelKeyboardFor(sessionId) : undefined;
      const reply = res.reply.content;
      await outbox.run(target, () => outbox.sendPlain(target, reply, { replyTo: target.isGroup ? source.messageId : undefined, keyboard }));
      return;
    }
    if (res.queued && res.queuedMessage) {
      const position = res.queuedMessage.position;
      await outbox.run(target, () =>
        outbox.sendPlain(target, `⏳ Queued (position ${position}). I'll answer as soon as the current reply is done.`, { replyTo: source.messageId }),
      );
    }
  }

  async modelKeyboardFor(sessionId: string) {
    const { client } = this.o;
    const [models, session] = await Promise.all([client.listModels(), client.getSession(sessionId)]);
    return modelKeyboard(models.models, session.effectiveModel.modelConfigId, session.modelOverride !== null);
  }

  /**
   * The event stream is down but REST may work: send with `wait: true` and deliver the whole
   * reply when it is done (no streaming). Runs in the background so the chat is not blocked.
   */
  private sendWithoutEvents(sessionId: string, target: ChatTarget, body: SendMessageRequest, source: Source): void {
    const { client, relay, outbox, typing, logger, describe } = this.o;
    typing.start(target);
    void (async () => {
      try {
        const res = await client.sendMessage(sessionId, { ...body, wait: true });
        if (res.command && res.reply?.kind === 'command_reply') await this.answer(sessionId, target, res, source);
        else if (res.reply) await relay.deliver(sessionId, res.reply);
      } catch (err) {
        logger.warn({ sessionId, err: describe(err) }, 'message failed without the event stream');
        const text = friendlyError(err);
        if (text) await outbox.run(target, () => outbox.sendPlain(target, text, { replyTo: source.messageId }));
      } finally {
        typing.stop(target);
      }
    })();
  }
}

/** The API request for a user's text: the text, who said it, and the files sent with it. */
function request(text: string, source: Source, attachmentIds: readonly string[]): SendMessageRequest {
  return { text, sender: source.sender, ...(attachmentIds.length ? { attachmentIds: [...attachmentIds] } : {}) };
}
