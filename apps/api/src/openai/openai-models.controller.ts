import { Controller, Get, Param } from '@nestjs/common';
import { ErrorCode, SwitchboardError, type OpenAiModel, type OpenAiModelList } from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { CHAIN_MODELS } from './chat-completions.schema';

/** What `switchboard` means in the list: no override, the conversation's chain. */
const CHAIN_MODEL_ID = 'switchboard';

/** `GET /v1/models` in OpenAI's list format: every enabled catalog model, plus `switchboard` (the chain). */
@Controller('v1/models')
export class OpenAiModelsController {
  // The catalog is fixed for the process's life: it was "created" when the process loaded it.
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(private readonly engine: SessionEngine) {}

  @Get()
  list(): OpenAiModelList {
    return { object: 'list', data: this.models() };
  }

  @Get(':id')
  get(@Param('id') id: string): OpenAiModel {
    const model = this.models().find((m) => m.id === id) ?? (CHAIN_MODELS.has(id.toLowerCase()) ? this.models()[0] : undefined);
    if (!model) throw new SwitchboardError(ErrorCode.NOT_FOUND, `The model "${id}" does not exist.`, { field: 'model', model: id });
    return model;
  }

  private models(): OpenAiModel[] {
    const chain: OpenAiModel = { id: CHAIN_MODEL_ID, object: 'model', created: this.created, owned_by: 'switchboard' };
    const enabled = this.engine.modelCatalog
      .describe()
      .filter((m) => m.enabled)
      .map((m): OpenAiModel => ({ id: m.id, object: 'model', created: this.created, owned_by: m.provider }));
    return [chain, ...enabled];
  }
}
