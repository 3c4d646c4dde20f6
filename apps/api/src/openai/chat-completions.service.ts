import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { validateModelRef } from '@switchboard/models';
import { ErrorCode, LIMITS, SwitchboardError, type Message, type ServerEventMap, type ServerEventName } from '@switchboard/protocol';
import type { ChatFile } from '@switchboard/models';
import { SessionEngine } from '@switchboard/session/server';
import { PeopleService } from '@switchboard/people/server';
import { toSwitchboardError } from '../core/api-exception.filter';
import { EventHub } from '../engine/event-hub';
import {
  callSettingsOf,
  clientToolsOf,
  explicitModel,
  lastUserFiles,
  maxOutputTokensOf,
  toChatMessages,
  toolChoiceOf,
  type ChatCompletionRequest,
} from './chat-completions.schema';
import { CompletionStream, completionBody, finishReasonOf, type CompletionMeta } from './openai-wire';

const CHAIN_MODEL_NAME = 'switchboard';

/**
 * The two modes of the OpenAI door. Conversation mode (`X-Session-Key`): the conversation lives
 * server-side and the last user message is the turn. Stateless mode (no key): the request's
 * messages are the whole conversation and nothing but usage is stored. Everything a request
 * can get wrong is checked before anything is created or streamed.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly engine: SessionEngine,
    private readonly hub: EventHub,
    private readonly people: PeopleService,
  ) {}

  async stateless(body: ChatCompletionRequest, reply: FastifyReply): Promise<void> {
    const prepared = this.engine.stateless.prepare({
      channel: 'api',
      person: body.user?.trim() || null,
      model: explicitModel(body),
      messages: await toChatMessages(body.messages, this.engine.attachments),
      callSettings: callSettingsOf(body),
      ...(maxOutputTokensOf(body) !== undefined ? { maxOutputTokens: maxOutputTokensOf(body) } : {}),
      ...(clientToolsOf(body) ? { clientTools: clientToolsOf(body), toolChoice: toolChoiceOf(body) } : {}),
    });
    // The `user`'s limits are checked before anything streams (429 in OpenAI's shape).
    await this.engine.stateless.admit(prepared);
    const meta = newMeta(prepared.resolution.modelConfigId);

    if (!body.stream) {
      const r = await this.engine.stateless.run(prepared);
      reply.send(
        completionBody(
          { ...meta, model: r.modelConfigId },
          { text: r.text, toolCalls: r.toolCalls, finish: finishReasonOf(r.finishReason, r.toolCalls.length > 0), usage: r.usage },
          { switchboard: { modelSource: r.modelSource, warnings: r.warnings } },
        ),
      );
      return;
    }

    const stream = new CompletionStream(reply, meta, { includeUsage: body.stream_options?.include_usage === true });
    // Nobody reads the answer any more: stop the model call (nothing is kept but its usage).
    const abort = new AbortController();
    stream.onClientGone(() => abort.abort());
    try {
      const r = await this.engine.stateless.run(prepared, {
        abortSignal: abort.signal,
        onModel: (model) => stream.setModel(model),
        onDelta: (delta) => stream.delta(delta),
      });
      if (stream.ended) return;
      stream.setModel(r.modelConfigId);
      stream.toolCalls(r.toolCalls);
      stream.finish(finishReasonOf(r.finishReason, r.toolCalls.length > 0), r.usage);
    } catch (err) {
      if (!stream.started) throw err;
      stream.fail(toSwitchboardError(err));
    }
  }

  async conversation(body: ChatCompletionRequest, sessionKey: string, reply: FastifyReply): Promise<void> {
    // Validate everything before the session exists, so a rejected request leaves nothing behind.
    if (body.tools?.length) {
      throw new SwitchboardError(
        ErrorCode.VALIDATION_FAILED,
        'tools: client tools need stateless mode (send the request without X-Session-Key); a server-side conversation uses its own tools.',
        { field: 'tools' },
      );
    }
    // The last user message is the turn: its text and its files (checked like uploads).
    const last = await lastUserFiles(body.messages, this.engine.attachments);
    const text = last.text.trim();
    const files = last.files;
    if (!text && files.length === 0) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'messages: a user message with text is required.', { field: 'messages' });
    }
    if (files.length) this.engine.attachments.policy.checkMessage(files.map((f) => ({ size: f.data.byteLength })));
    if (text.length > LIMITS.maxMessageChars) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `messages: the user message is over ${LIMITS.maxMessageChars} characters.`, {
        field: 'messages',
      });
    }
    const model = explicitModel(body);
    const explicitId = model ? validateModelRef(this.engine.modelCatalog, model).id : null;
    const peerId = sessionKey.slice(0, LIMITS.maxPeerIdChars);
    // Images for a model that cannot see are refused before the conversation exists (and again,
    // against the conversation's own model, when the message is sent).
    if (files.length) this.engine.attachments.policy.requireReadable(this.engine.resolveFor({ agent: null, channel: 'api', peerId }, { explicit: explicitId }).modelConfigId, files);
    // The request's sampling options apply to this message's turn (kept with it if it queues).
    const maxOutputTokens = maxOutputTokensOf(body);
    const turnOptions = { callSettings: callSettingsOf(body), ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}) };
    // The `user`'s limits before the conversation exists: a refused request leaves nothing behind.
    const sender = senderOf(body).sender;
    if (sender) {
      const person = await this.people.personForAccount('api', sender.peerId);
      await this.people.admit({ personId: person.id, role: person.role });
    }
    const session = await this.engine.createSession({ channel: 'api', peerId });
    const attachmentIds = await this.storeFiles(session.id, files);

    if (!body.stream) {
      const res = await this.sendWithFiles(session.id, attachmentIds, () =>
        this.engine.send(session.id, { text, model: model ?? undefined, wait: true, attachmentIds, ...senderOf(body) }, { turnOptions }),
      );
      const msg = res.reply;
      if (!msg && res.queued) throw await this.noTurnError(session.id);
      if (msg && msg.status === 'error') throw await this.turnError(session.id, msg);
      reply.header('x-session-id', session.id).send(
        completionBody(
          newMeta(msg?.modelConfigId ?? res.command?.name ?? CHAIN_MODEL_NAME),
          { text: msg?.content ?? '', finish: 'stop', usage: msg?.usage ?? null },
          { switchboard: { sessionId: session.id, modelSource: msg?.modelSource ?? null, warnings: msg?.warnings ?? [] } },
        ),
      );
      return;
    }

    const meta = newMeta(model ? this.engine.modelCatalog.resolveRef(model)?.id ?? model : CHAIN_MODEL_NAME);
    const stream = new CompletionStream(reply, meta, { includeUsage: body.stream_options?.include_usage === true, headers: { 'x-session-id': session.id } });
    let targetMessageId: string | null = null;
    let targetTurnId: string | null = null;
    let queuedId: string | null = null;
    let done = false;
    // Settles when the turn's reply is known (or known never to come); the request answers then.
    let settle!: (outcome: { message?: Message; error?: SwitchboardError }) => void;
    const outcome = new Promise<{ message?: Message; error?: SwitchboardError }>((resolve) => (settle = resolve));
    const finish = (o: { message?: Message; error?: SwitchboardError }) => {
      if (done) return;
      done = true;
      unwatch();
      settle(o);
    };
    const unwatch = this.hub.watch(session.id, <E extends ServerEventName>(event: E, payload: ServerEventMap[E]) => {
      if (event === 'turn.started') {
        const p = payload as ServerEventMap['turn.started'];
        if (p.messageId !== targetMessageId) return;
        targetTurnId = p.turnId;
        stream.setModel(p.modelConfigId);
      } else if (event === 'message.created') {
        // A fallback answers before any token reached the client: the chunks name it.
        const m = (payload as ServerEventMap['message.created']).message;
        if (m.kind === 'model_fallback' && targetTurnId && m.event?.turnId === targetTurnId && typeof m.event.to === 'string') stream.setModel(m.event.to);
      } else if (event === 'message.delta') {
        const p = payload as ServerEventMap['message.delta'];
        if (p.messageId === targetMessageId) stream.delta(p.delta);
      } else if (event === 'message.completed') {
        const p = payload as ServerEventMap['message.completed'];
        if (p.message.id !== targetMessageId) return;
        if (p.message.status === 'complete') finish({ message: p.message });
        // The turn's error event is emitted right after its completion: read it, then end.
        else queueMicrotask(() => void this.turnError(session.id, p.message).then((error) => finish({ message: p.message, error })));
      } else if (event === 'queue.updated') {
        const p = payload as ServerEventMap['queue.updated'];
        // Our message left the queue without starting its turn: it was deleted.
        if (queuedId && !targetMessageId && !p.queue.some((q) => q.id === queuedId)) finish({ error: queuedDeleted() });
      } else if (event === 'session.updated') {
        const p = payload as ServerEventMap['session.updated'];
        if (p.kind === 'deleted' && !done) {
          finish({ error: new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, 'The conversation was deleted before the reply finished.') });
        }
      }
    });
    // The client went away: stop watching (the turn itself goes on and its reply is stored).
    stream.onClientGone(() => finish({}));

    let res: Awaited<ReturnType<SessionEngine['send']>>;
    try {
      res = await this.sendWithFiles(session.id, attachmentIds, () =>
        this.engine.send(
          session.id,
          { text, model: model ?? undefined, attachmentIds, ...senderOf(body) },
          {
            turnOptions,
            onTurnStarted: (_turnId: string, messageId: string) => {
              targetMessageId = messageId;
            },
          },
        ),
      );
    } catch (err) {
      finish({});
      throw err;
    }
    if (res.command && !res.turnId && !res.queued) {
      // A command answers at once, with no turn (unless it carried a message, like `/model x hi`).
      finish({ message: res.reply });
    } else if (res.queued && res.queuedMessage && !targetMessageId) {
      queuedId = res.queuedMessage.id;
      // It may have been deleted between the send and now.
      const still = (await this.engine.listQueue(session.id).catch(() => null))?.queue.some((q) => q.id === queuedId);
      if (!still && !targetMessageId) finish({ error: queuedDeleted() });
    }

    const o = await outcome;
    if (stream.ended) return;
    if (o.error) {
      if (!stream.started) throw o.error;
      stream.fail(o.error);
      return;
    }
    if (!targetMessageId && o.message) stream.setModel(o.message.modelConfigId ?? res.command?.name ?? CHAIN_MODEL_NAME);
    if (!targetMessageId) stream.delta(o.message?.content ?? '');
    stream.finish('stop', o.message?.usage ?? null);
  }

  /** Stores the turn's files as the conversation's uploads, in order; their ids. */
  private async storeFiles(sessionId: string, files: ChatFile[]): Promise<string[]> {
    const ids: string[] = [];
    try {
      for (const f of files) ids.push((await this.engine.attachments.upload(sessionId, { data: f.data, declaredType: f.mediaType, name: f.name })).id);
    } catch (err) {
      await this.dropUploads(sessionId, ids);
      throw err;
    }
    return ids;
  }

  /** Sends; a refused send leaves no upload behind. */
  private async sendWithFiles<T>(sessionId: string, attachmentIds: string[], send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      await this.dropUploads(sessionId, attachmentIds);
      throw err;
    }
  }

  private async dropUploads(sessionId: string, ids: string[]): Promise<void> {
    for (const id of ids) await this.engine.attachments.deletePending(sessionId, id).catch(() => undefined);
  }

  /** Why a turn ended in error, from its `turn_error` event. */
  private async turnError(sessionId: string, message: Message): Promise<SwitchboardError> {
    const events = await this.engine.listMessages(sessionId, { afterSeq: message.seq, limit: 20 }).catch(() => [] as Message[]);
    const event = events.find((m) => m.kind === 'turn_error' && m.turnId === message.turnId);
    const detail = typeof event?.event?.error === 'string' ? (event.event.error as string) : null;
    return new SwitchboardError(ErrorCode.PROVIDER_ERROR, detail ? `The model call failed: ${detail}` : 'The model call failed.', {
      model: message.modelConfigId,
    });
  }

  /** A queued message got no reply: it was deleted, or its conversation was. */
  private async noTurnError(sessionId: string): Promise<SwitchboardError> {
    const exists = await this.engine.getSession(sessionId).then(
      () => true,
      () => false,
    );
    return exists ? queuedDeleted() : new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, 'The conversation was deleted before the reply.');
  }
}

function queuedDeleted(): SwitchboardError {
  return new SwitchboardError(ErrorCode.QUEUED_MESSAGE_NOT_FOUND, 'The queued message was deleted before its turn ran; there is no reply.');
}

function newMeta(model: string): CompletionMeta {
  return { id: `chatcmpl-${randomUUID().replace(/-/g, '')}`, created: Math.floor(Date.now() / 1000), model };
}

/** `user` names the person speaking (an `api` account), not the conversation. */
function senderOf(body: ChatCompletionRequest): { sender?: { peerId: string } } {
  const user = body.user?.trim();
  return user ? { sender: { peerId: user.slice(0, 200) } } : {};
}
