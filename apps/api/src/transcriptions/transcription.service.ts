import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ErrorCode, SwitchboardError, type TranscriptionResponse } from '@switchboard/protocol';
import type { LoadedConfig } from '@switchboard/models';
import { transcribeAudio } from '@switchboard/models/server';
import { SessionEngine } from '@switchboard/session/server';
import { LOADED_CONFIG, LOGGER } from '../core/tokens';

/**
 * Voice notes: transcribed by the provider of the session's effective model (the resolution
 * chain, so a session that chose a local model keeps its audio local). Nothing is stored.
 */
@Injectable()
export class TranscriptionService {
  constructor(
    private readonly engine: SessionEngine,
    @Inject(LOADED_CONFIG) private readonly config: LoadedConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async transcribe(sessionId: string, audio: Buffer): Promise<TranscriptionResponse> {
    const session = await this.engine.getSession(sessionId);
    const modelConfigId = session.effectiveModel.modelConfigId;
    const model = this.engine.modelCatalog.get(modelConfigId);
    if (!model) {
      throw new SwitchboardError(ErrorCode.TRANSCRIPTION_UNAVAILABLE, `The session's model "${modelConfigId}" is not in the catalog.`);
    }
    const t0 = performance.now();
    const result = await transcribeAudio({ providerId: model.provider, provider: this.config.providers[model.provider], audio });
    this.logger.info(
      { sessionId, provider: model.provider, model: result.model, bytes: audio.length, ms: Math.round(performance.now() - t0) },
      'audio transcribed',
    );
    return {
      sessionId,
      text: result.text,
      modelConfigId,
      provider: model.provider,
      model: result.model,
      language: result.language,
      durationSeconds: result.durationSeconds,
    };
  }
}
