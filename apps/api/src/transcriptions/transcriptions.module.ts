import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { TranscriptionService } from './transcription.service';
import { TranscriptionsController } from './transcriptions.controller';

/** Speech to text for voice messages. */
@Module({
  imports: [EngineModule],
  controllers: [TranscriptionsController],
  providers: [TranscriptionService],
})
export class TranscriptionsModule {}
