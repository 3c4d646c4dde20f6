import { ErrorCode, SwitchboardError, type SendMessageRequest, type SendMessageResponse } from '@switchboard/protocol';
import type { TurnSpeaker } from '@switchboard/models';
import { clearsModelOverride, parseCommand } from './commands/parse-command';
import { handleCommand, type CommandTarget } from './commands/command-handler';
import type { PeoplePort, SendHooks } from './engine/engine.types';
import type { SessionRepository } from './store/session-repository';
import type { SessionRecord } from './store/session.store';
import type { TurnQueue } from './turns/turn-queue';

/** What a scheduled job adds to a send: its model (level 3 of the chain). */
export type JobSendHooks = SendHooks & { job?: { model?: string | null } };

/**
 * The door every channel's text goes through: a command (parsed once, answered at once) or a
 * conversation message (claims the session or joins its queue), sent by a known speaker.
 */
export class Conversation {
  constructor(
    private readonly deps: { repo: SessionRepository; queue: TurnQueue; people: PeoplePort | null; commands: CommandTarget },
  ) {}

  /** Commands, explicit models, queueing and turns. */
  async send(sessionId: string, req: SendMessageRequest, hooks: SendHooks = {}): Promise<SendMessageResponse> {
    const command = parseCommand(req.text);
    if (!command) return this.sendText(sessionId, req, hooks);
    // Files go with a message: only `/model <ref> [text]` sends one; no other command takes them (never dropped in silence).
    if (req.attachmentIds?.length && !(command.name === 'model' && command.args.length > 0 && !clearsModelOverride(command.args[0]))) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `attachmentIds: /${command.name} does not take files; send them with a message.`, {
        field: 'attachmentIds',
      });
    }
    const session = await this.deps.repo.sessions.require(sessionId);
    const speaker = hooks.speaker !== undefined ? hooks.speaker : await this.speakerOf(session, req);
    return handleCommand(this.deps.commands, session, command, req, { ...hooks, speaker });
  }

  /**
   * A conversation message (no command parsing), by the request's sender; without one the
   * queue takes the conversation's own person inside its transaction (no extra query).
   */
  async sendText(sessionId: string, req: SendMessageRequest, hooks: JobSendHooks = {}): Promise<SendMessageResponse> {
    if (hooks.speaker === undefined && req.sender && this.deps.people) {
      hooks = { ...hooks, speaker: await this.speakerOf(await this.deps.repo.sessions.require(sessionId), req) };
    }
    return this.deps.queue.sendText(sessionId, req, hooks);
  }

  /** Who sends `req`: the sender the door names, else the conversation's own person. */
  private async speakerOf(session: SessionRecord, req: SendMessageRequest): Promise<TurnSpeaker | null> {
    return this.deps.people ? this.deps.people.speakerFor(session, req.sender ?? null) : null;
  }
}
