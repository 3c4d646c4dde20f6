import { Composer } from 'grammy';
import type { Logger } from 'pino';
import { SwitchboardApiError, TRANSCRIPTION_LIMITS, type SwitchboardClient } from '@switchboard/protocol';
import type { TelegramConfig } from '../../config';
import { escapeHtml } from '../../format/html';
import type { Conversation } from '../../services/conversation';
import type { Outbox } from '../../services/outbox';
import type { Typing } from '../../services/typing';
import type { BotContext } from '../context';
import { downloadTelegramFile } from '../telegram-file';

export interface VoiceDeps {
  config: TelegramConfig;
  client: SwitchboardClient;
  conversation: Conversation;
  outbox: Outbox;
  typing: Typing;
  logger: Logger;
}

const NO_TRANSCRIPTION =
  "🎤 I can't listen to voice notes here: no transcription model is configured for this chat's model provider. Please send your message as text.";
const TRANSCRIPT_PREVIEW = 500;

/**
 * Voice notes (and audio files): transcribed by the API with the provider of the chat's model,
 * the transcript shown briefly, then handled exactly like typed text.
 */
export function voiceFeature(deps: VoiceDeps): Composer<BotContext> {
  const { config, client, conversation, outbox, typing, logger } = deps;
  const composer = new Composer<BotContext>();
  composer.on(['message:voice', 'message:audio'], async (ctx) => {
    const target = ctx.sb!.target;
    const messageId = ctx.message.message_id;
    const file = ctx.message.voice ?? ctx.message.audio!;
    if ((file.file_size ?? 0) > TRANSCRIPTION_LIMITS.maxAudioBytes) {
      await outbox.sendPlain(target, '🎤 That recording is too long for me (20 MB at most). Please send a shorter one, or text.', { replyTo: messageId });
      return;
    }
    typing.pulse(target);
    const audio = await downloadTelegramFile(ctx.api, config, file.file_id);
    const mediaType = file.mime_type?.startsWith('audio/') ? file.mime_type : 'audio/ogg';
    let text: string;
    try {
      text = (await conversation.withSession(target, (sessionId) => client.transcribe(sessionId, audio, mediaType))).text.trim();
    } catch (err) {
      if (err instanceof SwitchboardApiError && err.code === 'TRANSCRIPTION_UNAVAILABLE') {
        logger.info({ chatId: target.chatId }, 'voice note refused: no transcription model for the provider');
        await outbox.run(target, () => outbox.sendPlain(target, NO_TRANSCRIPTION, { replyTo: messageId }));
        return;
      }
      throw err;
    }
    if (!text) {
      await outbox.run(target, () => outbox.sendPlain(target, "🎤 I couldn't make out any words in that voice note.", { replyTo: messageId }));
      return;
    }
    const preview = text.length > TRANSCRIPT_PREVIEW ? `${text.slice(0, TRANSCRIPT_PREVIEW - 1)}…` : text;
    await outbox.run(target, () => outbox.sendHtml(target, `🎤 <i>${escapeHtml(preview)}</i>`, { replyTo: messageId, disablePreview: true }));
    await conversation.send(target, text, { messageId, sender: ctx.sb!.sender });
  });
  return composer;
}
