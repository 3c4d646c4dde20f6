import { createOpenAI } from '@ai-sdk/openai';
import { NoTranscriptGeneratedError, experimental_transcribe as transcribe } from 'ai';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { ProviderConfig } from './config.schema';
import { toProviderCallError } from './providers/classify-provider-error';

export interface TranscribeAudioInput {
  /** The provider id (for messages). */
  providerId: string;
  provider: ProviderConfig | undefined;
  audio: Uint8Array;
  abortSignal?: AbortSignal;
  /** Replaces global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

export interface TranscribeAudioResult {
  text: string;
  /** The provider's transcription model name. */
  model: string;
  language: string | null;
  durationSeconds: number | null;
}

/** The transcription model a provider offers, or null: only OpenAI-compatible providers can have one. */
export function transcriptionModelOf(provider: ProviderConfig | undefined): string | null {
  if (!provider || provider.type !== 'openai-compatible' || !provider.baseUrl) return null;
  return provider.transcriptionModel ?? null;
}

/**
 * Transcribes audio through a provider's OpenAI-compatible `/audio/transcriptions` endpoint.
 * Throws TRANSCRIPTION_UNAVAILABLE when the provider has no transcription model, PROVIDER_ERROR
 * (or RATE_LIMITED) when the call fails.
 */
export async function transcribeAudio(input: TranscribeAudioInput): Promise<TranscribeAudioResult> {
  const modelName = transcriptionModelOf(input.provider);
  if (!modelName || !input.provider?.baseUrl) {
    throw new SwitchboardError(
      ErrorCode.TRANSCRIPTION_UNAVAILABLE,
      `Voice transcription is not configured for provider "${input.providerId}": set "transcriptionModel" on an openai-compatible provider.`,
      { provider: input.providerId },
    );
  }
  const sdk = createOpenAI({
    name: input.providerId,
    baseURL: input.provider.baseUrl,
    // An empty key (keyless local server) still stops the SDK from reading OPENAI_API_KEY itself.
    apiKey: input.provider.apiKey ?? '',
    ...(input.provider.headers ? { headers: input.provider.headers } : {}),
    ...(input.fetch ? { fetch: input.fetch } : {}),
  });
  try {
    const result = await transcribe({
      model: sdk.transcription(modelName),
      audio: input.audio,
      maxRetries: 1,
      ...(input.abortSignal ? { abortSignal: input.abortSignal } : {}),
    });
    return {
      text: result.text.trim(),
      model: modelName,
      language: result.language ?? null,
      durationSeconds: result.durationInSeconds ?? null,
    };
  } catch (err) {
    // Silence is not a failure: the caller decides what an empty transcript means.
    if (NoTranscriptGeneratedError.isInstance(err)) return { text: '', model: modelName, language: null, durationSeconds: null };
    const failure = toProviderCallError(err, `${input.providerId}/${modelName}`, '');
    throw new SwitchboardError(failure.code, `Transcription failed: ${failure.message}`, { provider: input.providerId, model: modelName });
  }
}
