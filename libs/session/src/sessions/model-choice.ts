import type { EngineRef } from '@switchboard/protocol';
import { resolveModel, type AgentConfig, type LoadedConfig, type ModelCatalog, type ModelResolution, type ResolveModelInput } from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import { DEFAULT_MODEL_PREFERENCE } from '../store/preference.store';
import { routeAgent, type PeerRef } from './agent-routing';

/**
 * The model side of a conversation: the global default (held in memory, persisted by the
 * session service), agent routing, and the resolution chain with both filled in.
 */
export class ModelChoice {
  private globalDefault: string | null = null;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly config: LoadedConfig,
  ) {}

  /** Loads the saved global default (else the config file's). */
  async load(repo: SessionRepository): Promise<void> {
    this.globalDefault = (await repo.preferences.get(DEFAULT_MODEL_PREFERENCE)) ?? this.config.defaultModel ?? null;
  }

  get global(): string | null {
    return this.globalDefault;
  }

  set global(modelConfigId: string | null) {
    this.globalDefault = modelConfigId;
  }

  agentByName(name: string): AgentConfig | null {
    return this.config.agents.find((a) => a.name === name) ?? null;
  }

  agentFor(peer: PeerRef): AgentConfig | null {
    return routeAgent(this.config.agents, peer);
  }

  /** The chain for this session with the given upper levels (explicit, queued, job, session). */
  resolveFor(session: PeerRef | null, levels: Pick<ResolveModelInput, 'explicit' | 'queued' | 'job' | 'session'>): ModelResolution {
    const agent = session ? this.agentFor(session) : null;
    return resolveModel(this.catalog, {
      ...levels,
      agent: agent?.model ?? agent?.tier ?? null,
      global: this.globalDefault,
    });
  }

  /** The engine of a model config; a removed one still names itself. */
  engineRef(modelConfigId: string): EngineRef {
    if (this.catalog.get(modelConfigId)) return this.catalog.engineOf(modelConfigId);
    return { modelConfigId, provider: 'removed', providerType: 'offline', model: modelConfigId, label: `${modelConfigId} (removed)` };
  }
}
