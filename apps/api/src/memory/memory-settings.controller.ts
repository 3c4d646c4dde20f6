import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { type MemorySettings, type UpdateMemorySettingsRequest } from '@switchboard/protocol';
import { MemoryService } from '@switchboard/memory/server';
import { routeBody } from '../core/route-pipes';
import { CLUSTER_BUS } from '../core/tokens';
import type { ClusterBus } from '../cluster/cluster-bus';

/** `memory.enabled` and `memory.silent`, installation-wide. */
@Controller('api/v1/settings/memory')
export class MemorySettingsController {
  constructor(
    private readonly memory: MemoryService,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {}

  @Get()
  get(): Promise<MemorySettings> {
    return this.memory.settings();
  }

  @Put()
  async update(@Body(routeBody('setMemorySettings')) body: UpdateMemorySettingsRequest): Promise<MemorySettings> {
    const settings = await this.memory.updateSettings(body);
    // Other replicas keep the settings in memory too: they read them again.
    this.bus.publish('cache.invalidate', { scope: 'settings', id: 'memory' });
    return settings;
  }
}
