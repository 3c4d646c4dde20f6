import { Body, Controller, Get, Put } from '@nestjs/common';
import { type ModelsResponse, type SetModelRequest } from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { routeBody } from '../core/route-pipes';

@Controller('api/v1')
export class ModelsController {
  constructor(private readonly engine: SessionEngine) {}

  @Get('models')
  list(): ModelsResponse {
    return this.engine.models();
  }

  @Put('settings/default-model')
  setDefault(@Body(routeBody('setDefaultModel')) body: SetModelRequest): Promise<ModelsResponse> {
    return this.engine.setDefaultModel(body.model);
  }
}
