import { Body, Controller, Get, Put } from '@nestjs/common';
import { type MemorySettings, type UpdateMemorySettingsRequest } from '@switchboard/protocol';
import { MemoryService } from '@switchboard/memory/server';
import { routeBody } from '../core/route-pipes';

/** `memory.enabled` and `memory.silent`, installation-wide. */
@Controller('api/v1/settings/memory')
export class MemorySettingsController {
  constructor(private readonly memory: MemoryService) {}

  @Get()
  get(): Promise<MemorySettings> {
    return this.memory.settings();
  }

  @Put()
  update(@Body(routeBody('setMemorySettings')) body: UpdateMemorySettingsRequest): Promise<MemorySettings> {
    return this.memory.updateSettings(body);
  }
}
