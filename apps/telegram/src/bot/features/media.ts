import { Composer } from 'grammy';
import type { Outbox } from '../../services/outbox';
import type { BotContext } from '../context';

// Message fields that carry content the assistant cannot take in (photos and documents are the files feature's).
const MEDIA = ['sticker', 'video', 'video_note', 'animation', 'location', 'venue', 'contact', 'poll', 'dice', 'game', 'story', 'paid_media'];

export const UNSUPPORTED_MEDIA =
  "I can read text messages, voice notes, photos, images, PDFs and text files. Stickers, videos and other media aren't supported — please describe it in a text message.";

/** Stickers, videos and the like: a clear answer saying what works, never silence. Service messages are ignored. */
export function mediaFeature(outbox: Outbox): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('message', async (ctx) => {
    if (!MEDIA.some((k) => k in ctx.message)) return;
    await outbox.sendPlain(ctx.sb!.target, UNSUPPORTED_MEDIA, { replyTo: ctx.message.message_id });
  });
  return composer;
}
