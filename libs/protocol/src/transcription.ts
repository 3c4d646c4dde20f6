import { z } from 'zod';

/** Audio uploads are raw bodies (`audio/*` or `application/octet-stream`), not JSON: they get their own limit. */
export const TRANSCRIPTION_LIMITS = {
  /** Telegram lets bots download files up to 20 MB; voice notes are far smaller. */
  maxAudioBytes: 20 * 1024 * 1024,
} as const;

export const transcriptionResponseSchema = z.object({
  sessionId: z.string(),
  text: z.string().describe('the transcript'),
  modelConfigId: z.string().describe("the session's effective model, whose provider did the transcription"),
  provider: z.string(),
  model: z.string().describe("the provider's transcription model"),
  language: z.string().nullable(),
  durationSeconds: z.number().nullable(),
});
export type TranscriptionResponse = z.infer<typeof transcriptionResponseSchema>;
