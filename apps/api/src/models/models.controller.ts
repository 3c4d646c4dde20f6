import { Body, Controller, Get, Put } from '@nestjs/common';
import { setModelRequestSchema, type ModelsResponse, type SetModelRequest } from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { ZodPipe } from '../core/zod.pipe';

@Controller('api/v1')
export class ModelsController {
  constructor(private readonly engine: SessionEngine) {}

  @Get('models')
  list(): ModelsResponse {
    return this.engine.models();
  }

  @Put('settings/default-model')
  setDefault(@Body(new ZodPipe(setModelRequestSchema)) body: SetModelRequest): Promise<ModelsResponse> {
    return this.engine.setDefaultModel(body.model);
  }
}
