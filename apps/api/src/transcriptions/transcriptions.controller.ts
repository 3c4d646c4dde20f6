import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ErrorCode, ROUTES, SwitchboardError, type TranscriptionResponse } from '@switchboard/protocol';
import { Accepts } from '../core/public.decorator';
import { TranscriptionService } from './transcription.service';

/** `POST /api/v1/sessions/:id/transcriptions` with the audio as the raw body (e.g. `audio/ogg`). */
@Controller('api/v1/sessions')
export class TranscriptionsController {
  constructor(private readonly transcriptions: TranscriptionService) {}

  @Post(':id/transcriptions')
  @Accepts(...ROUTES.transcribe.bodyTypes)
  @HttpCode(200)
  transcribe(@Param('id') id: string, @Body() body: unknown): Promise<TranscriptionResponse> {
    if (!Buffer.isBuffer(body)) {
      throw new SwitchboardError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the audio as the raw request body with Content-Type audio/* (e.g. audio/ogg).');
    }
    if (body.length === 0) throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'body: the audio is empty', { field: 'body' });
    return this.transcriptions.transcribe(id, body);
  }
}
