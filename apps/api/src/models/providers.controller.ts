import { Controller, Get, Inject } from '@nestjs/common';
import { secretScrubber, type AssistantConfigResponse, type ProviderStatusResponse } from '@switchboard/protocol';
import { configSecrets, ModelCatalog, type LoadedConfig } from '@switchboard/models';
import { FailoverRunner } from '@switchboard/models/server';
import { DEFAULT_SYSTEM_PROMPT } from '@switchboard/session/server';
import { LOADED_CONFIG } from '../core/tokens';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Read-only views for Settings: how each provider answered lately, and the configured instructions. */
@Controller('api/v1')
export class ProvidersController {
  private readonly startedAt = new Date().toISOString();
  private readonly scrub: (text: string) => string;

  constructor(
    private readonly runner: FailoverRunner,
    private readonly catalog: ModelCatalog,
    @Inject(LOADED_CONFIG) private readonly config: LoadedConfig,
  ) {
    // The runner scrubs secret shapes; the configured keys themselves are scrubbed here too.
    this.scrub = secretScrubber(configSecrets(config));
  }

  @Get('providers/status')
  status(): ProviderStatusResponse {
    const cooling = new Set(this.runner.coolingDown());
    const models = this.catalog.list();
    const providers = Object.entries(this.config.providers).map(([id, p]) => {
      const h = this.runner.providerStatus.get(id);
      const own = models.filter((m) => m.provider === id).map((m) => m.id);
      return {
        id,
        type: p.type,
        state: !h ? ('unused' as const) : h.lastFailureAt !== null && (h.lastSuccessAt === null || h.lastFailureAt > h.lastSuccessAt) ? ('failing' as const) : ('ok' as const),
        lastSuccessAt: iso(h?.lastSuccessAt ?? null),
        lastFailureAt: iso(h?.lastFailureAt ?? null),
        lastErrorCode: h?.lastErrorCode ?? null,
        lastErrorStatus: h?.lastErrorStatus ?? null,
        lastError: h?.lastError ? this.scrub(h.lastError) : null,
        consecutiveFailures: h?.consecutiveFailures ?? 0,
        coolingDown: own.filter((m) => cooling.has(m)),
        models: own,
      };
    });
    return { providers, since: this.startedAt };
  }

  @Get('settings/assistant')
  assistant(): AssistantConfigResponse {
    return {
      systemPrompt: this.config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
      systemPromptSource: this.config.systemPrompt ? 'config' : 'builtin',
      agents: this.config.agents.map((a) => ({
        name: a.name,
        match: { channel: a.match.channel, peer: a.match.peer },
        model: a.model ?? null,
        tier: a.tier ?? null,
        systemPrompt: a.systemPrompt ?? null,
        memory: a.memory ?? null,
        tools: a.tools ?? null,
      })),
      configSources: this.config.sources,
    };
  }
}
