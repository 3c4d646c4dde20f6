import { loadConfig } from './load-config';
import { ModelCatalog } from './model-catalog';
import { EXAMPLE_ENV, exampleConfig } from './testing/example-config';
import type { SwitchboardConfigInput } from './config.schema';

function catalogOf(input: SwitchboardConfigInput = exampleConfig()): ModelCatalog {
  return new ModelCatalog(loadConfig({ env: EXAMPLE_ENV, fileText: JSON.stringify(input) }));
}

/** The example plus a second fast model and a disabled one, to test tier preference and disabled refs. */
function richerConfig(): SwitchboardConfigInput {
  const input = exampleConfig();
  input.models!.push(
    { id: 'quick-2', provider: 'openai', model: 'gpt-4.1-nano', tier: 'fast', label: 'GPT-4.1 nano', aliases: ['nano'] },
    { id: 'retired', provider: 'openai', model: 'gpt-4', tier: 'default', label: 'GPT-4', aliases: ['old'], enabled: false },
  );
  return input;
}

describe('ModelCatalog lookups', () => {
  const catalog = catalogOf(richerConfig());

  it('gets any model by exact id, enabled or not, and lists them in config order', () => {
    expect(catalog.get('main')!.label).toBe('GPT-4.1');
    expect(catalog.get('retired')!.enabled).toBe(false);
    expect(catalog.get('MAIN')).toBeUndefined();
    expect(catalog.list().map((m) => m.id)).toEqual(['main', 'quick', 'claude', 'llama', 'quick-2', 'retired']);
    expect(catalog.enabled().map((m) => m.id)).toEqual(['main', 'quick', 'claude', 'llama', 'quick-2']);
  });

  it.each([
    ['main', 'main'],
    ['MAIN', 'main'],
    ['  quick ', 'quick'],
    ['gpt', 'main'],
    ['GPT', 'main'],
    ['nano', 'quick-2'],
    ['cloud', 'main'],
    ['Cloud', 'main'],
    ['local', 'llama'],
    ['fast', 'quick'],
    ['FAST', 'quick'],
    ['complex', 'claude'],
    ['default', 'main'],
  ])('resolves %j to %s', (ref, id) => {
    expect(catalog.resolveRef(ref)?.id).toBe(id);
  });

  it.each(['retired', 'old', 'nope', '', '   '])('does not resolve %j (unknown or disabled)', (ref) => {
    expect(catalog.resolveRef(ref)).toBeUndefined();
  });

  it('resolves a tier to the first enabled model of that tier in config order', () => {
    const input = richerConfig();
    input.models!.find((m) => m.id === 'quick')!.enabled = false;
    expect(catalogOf(input).resolveRef('fast')!.id).toBe('quick-2');
  });

  it('prefers an exact id over an alias, a built-in alias and a tier', () => {
    const input = exampleConfig();
    input.models!.push({ id: 'cloud', provider: 'ollama', model: 'm', label: 'Cloud box' }, { id: 'fast', provider: 'ollama', model: 'm2' });
    const catalog = catalogOf(input);
    expect(catalog.resolveRef('cloud')!.id).toBe('cloud');
    expect(catalog.resolveRef('fast')!.id).toBe('fast');
  });

  it('lets a disabled model id fall through to the tier of the same name', () => {
    const input = exampleConfig();
    input.models!.push({ id: 'fast', provider: 'ollama', model: 'm2', enabled: false });
    expect(catalogOf(input).resolveRef('fast')!.id).toBe('quick');
  });

  it('returns the same objects on every call (maps built once)', () => {
    expect(catalog.resolveRef('gpt')).toBe(catalog.get('main'));
    expect(catalog.resolveRef('fast')).toBe(catalog.resolveRef('quick'));
  });

  it('is not changed by later edits to the config it was built from', () => {
    const config = loadConfig({ env: EXAMPLE_ENV, fileText: JSON.stringify(exampleConfig()) });
    const built = new ModelCatalog(config);
    config.models[0]!.label = 'edited';
    config.models.pop();
    expect(built.get('main')!.label).toBe('GPT-4.1');
    expect(built.list()).toHaveLength(4);
    expect(Object.isFrozen(built.get('main'))).toBe(true);
  });
});

describe('ModelCatalog tiers and defaults', () => {
  it('maps each tier to its preferred model id or null', () => {
    const input = exampleConfig();
    input.models = input.models!.filter((m) => m.id !== 'llama');
    expect(catalogOf(input).tiers()).toEqual({ fast: 'quick', default: 'main', complex: 'claude', local: null });
  });

  it('tierModel is strict unless asked to fall back to default, then to the first enabled model', () => {
    const input = exampleConfig();
    input.models = input.models!.filter((m) => m.id !== 'llama');
    const catalog = catalogOf(input);
    expect(catalog.tierModel('local')).toBeUndefined();
    expect(catalog.tierModel('local', { fallback: true })!.id).toBe('main');
    expect(catalog.tierModel('fast', { fallback: true })!.id).toBe('quick');

    const noDefault = exampleConfig();
    noDefault.models!.find((m) => m.id === 'main')!.enabled = false;
    const c2 = catalogOf(noDefault);
    expect(c2.tierModel('default')).toBeUndefined();
    expect(c2.tierModel('default', { fallback: true })!.id).toBe('quick');
    expect(c2.builtinDefault().id).toBe('quick');
  });

  it('builtinDefault is the default tier model', () => {
    expect(catalogOf().builtinDefault().id).toBe('main');
  });

  it('builtinDefault is the offline model when nothing is configured', () => {
    expect(new ModelCatalog(loadConfig({ env: {} })).builtinDefault().id).toBe('offline');
  });

  it('builtinDefault throws only for an empty catalog', () => {
    expect(() => new ModelCatalog({ providers: {}, models: [] }).builtinDefault()).toThrow(/no enabled model/);
  });

  it('picks delegation models from the config, falling back across tiers', () => {
    const input = exampleConfig();
    input.delegation = { classification: 'llama', compaction: 'fast', complex_reasoning: 'complex' };
    input.models!.find((m) => m.id === 'claude')!.enabled = false;
    const catalog = catalogOf(input);
    expect(catalog.forDelegation('classification').id).toBe('llama');
    expect(catalog.forDelegation('compaction').id).toBe('quick');
    expect(catalog.forDelegation('complex_reasoning').id).toBe('main');
  });
});

describe('ModelCatalog descriptions', () => {
  const catalog = catalogOf(richerConfig());

  it('describes every model in the protocol shape', () => {
    const info = catalog.describe();
    expect(info).toHaveLength(6);
    expect(info[0]).toEqual({
      id: 'main',
      label: 'GPT-4.1',
      provider: 'openai',
      providerType: 'openai-compatible',
      model: 'gpt-4.1',
      tier: 'default',
      aliases: ['gpt'],
      enabled: true,
      contextWindow: 1000000,
      price: { input: 2, output: 8 },
      fallbacks: ['claude'],
      input: ['text'],
    });
    expect(info[2]).toMatchObject({ id: 'claude', providerType: 'anthropic', price: null });
    expect(info[5]).toMatchObject({ id: 'retired', enabled: false });
  });

  it('says what each model reads: text only unless the config says more, text always first', () => {
    const c = catalogOf({
      ...richerConfig(),
      models: richerConfig().models!.map((m, i) => (i === 0 ? { ...m, input: ['image', 'pdf'] } : i === 2 ? { ...m, input: ['text', 'image', 'image'] } : m)),
    });
    expect(c.get('main')?.input).toEqual(['text', 'image', 'pdf']);
    expect(c.get('claude')?.input).toEqual(['text', 'image']);
    expect(c.get('quick')?.input).toEqual(['text']);
    expect([c.accepts('main', 'pdf'), c.accepts('claude', 'pdf'), c.accepts('quick', 'image'), c.accepts('gone', 'image'), c.accepts('gone', 'text')]).toEqual([
      true,
      false,
      false,
      false,
      true,
    ]);
    // The tiers' preferred models first, then the rest in config order; disabled ones never.
    expect(c.modelsAccepting('image').map((m) => m.id)).toEqual(['main', 'claude']);
    expect(c.modelsAccepting('pdf').map((m) => m.id)).toEqual(['main']);
  });

  it('summarises enabled models for humans', () => {
    expect(catalog.availableSummary()).toEqual([
      'main (GPT-4.1) — default',
      'quick (GPT-4.1 mini) — fast',
      'claude (Claude Sonnet) — complex',
      'llama (Llama 3.2 (local)) — local',
      'quick-2 (GPT-4.1 nano) — fast',
    ]);
  });

  it('labels ids, falling back to the id for a deleted model', () => {
    expect(catalog.label('quick')).toBe('GPT-4.1 mini');
    expect(catalog.label('deleted')).toBe('deleted');
  });

  it('gives the engine of a model id', () => {
    expect(catalog.engineOf('claude')).toEqual({
      modelConfigId: 'claude',
      provider: 'anthropic',
      providerType: 'anthropic',
      model: 'claude-sonnet-4-5',
      label: 'Claude Sonnet',
    });
    expect(catalog.findEngine('deleted')).toBeUndefined();
    expect(() => catalog.engineOf('deleted')).toThrow(/deleted/);
  });

  it('reports the offline provider type for the built-in model', () => {
    expect(new ModelCatalog(loadConfig({ env: {} })).engineOf('offline').providerType).toBe('offline');
  });
});
