import { Body, Controller, Get, Put } from '@nestjs/common';
import { updateMemorySettingsRequestSchema, type MemorySettings, type UpdateMemorySettingsRequest } from '@switchboard/protocol';
import { MemoryService } from '@switchboard/memory/server';
import { ZodPipe } from '../core/zod.pipe';

/** `memory.enabled` and `memory.silent`, installation-wide. */
@Controller('api/v1/settings/memory')
export class MemorySettingsController {
  constructor(private readonly memory: MemoryService) {}

  @Get()
  get(): Promise<MemorySettings> {
    return this.memory.settings();
  }

  @Put()
  update(@Body(new ZodPipe(updateMemorySettingsRequestSchema)) body: UpdateMemorySettingsRequest): Promise<MemorySettings> {
    return this.memory.updateSettings(body);
  }
}
