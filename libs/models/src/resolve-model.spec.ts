import { ErrorCode, SwitchboardError, type ModelSource } from '@switchboard/protocol';
import { loadConfig } from './load-config';
import { ModelCatalog } from './model-catalog';
import { resolveGlobalDefault, resolveModel, validateModelRef, type ResolveModelInput } from './resolve-model';
import { EXAMPLE_ENV, exampleConfig } from './testing/example-config';

/**
 * The example catalog plus `old` (disabled, alias `legacy`) and `nano` (enabled, tier fast after
 * `quick`). A "deleted" ref is simply one the catalog has never heard of. No `defaultModel` unless
 * given (the config file's default is a level of its own, tested below).
 */
function buildCatalog(defaultModel?: string): ModelCatalog {
  const input = exampleConfig();
  delete input.defaultModel;
  if (defaultModel !== undefined) input.defaultModel = defaultModel;
  input.models!.push(
    { id: 'old', provider: 'openai', model: 'gpt-4', label: 'GPT-4', aliases: ['legacy'], enabled: false },
    { id: 'nano', provider: 'openai', model: 'gpt-4.1-nano', tier: 'fast', label: 'GPT-4.1 nano', aliases: ['tiny'] },
  );
  return new ModelCatalog(loadConfig({ env: EXAMPLE_ENV, fileText: JSON.stringify(input) }));
}

const catalog = buildCatalog();

/** One distinct, valid model per level so the winner shows which level won. */
const ALL_LEVELS: Required<ResolveModelInput> = {
  explicit: 'claude',
  queued: 'nano',
  job: 'llama',
  session: 'quick',
  agent: 'main',
  global: 'gpt',
};
const ORDER = ['explicit', 'queued', 'job', 'session', 'agent', 'global'] as const;

function catchError(run: () => unknown): SwitchboardError {
  try {
    run();
  } catch (error) {
    return error as SwitchboardError;
  }
  throw new Error('expected an error');
}

describe('resolveModel: each level wins when it is the highest one set', () => {
  it.each(ORDER.map((level, i) => [level, i] as const))('%s wins over every lower level', (level, i) => {
    const input: ResolveModelInput = {};
    for (const lower of ORDER.slice(i)) input[lower] = ALL_LEVELS[lower];
    const expectedId = catalog.resolveRef(ALL_LEVELS[level]!)!.id;
    expect(resolveModel(catalog, input)).toEqual({ modelConfigId: expectedId, source: level as ModelSource, warnings: [] });
  });

  it('falls to the built-in default tier when nothing is set', () => {
    expect(resolveModel(catalog, {})).toEqual({ modelConfigId: 'main', source: 'builtin', warnings: [] });
  });

  it('treats null and blank refs as not set, without warnings', () => {
    expect(resolveModel(catalog, { explicit: null, queued: '', job: '   ', session: null, agent: undefined, global: 'quick' })).toEqual({
      modelConfigId: 'quick',
      source: 'global',
      warnings: [],
    });
  });
});

describe('resolveModel: references by alias, tier and built-in alias at every level', () => {
  it.each(ORDER)('%s accepts an alias, a tier and a built-in alias, case-insensitively', (level) => {
    expect(resolveModel(catalog, { [level]: 'TINY' })).toMatchObject({ modelConfigId: 'nano', source: level });
    expect(resolveModel(catalog, { [level]: 'Fast' })).toMatchObject({ modelConfigId: 'quick', source: level });
    expect(resolveModel(catalog, { [level]: 'LOCAL' })).toMatchObject({ modelConfigId: 'llama', source: level });
    expect(resolveModel(catalog, { [level]: 'cloud' })).toMatchObject({ modelConfigId: 'main', source: level });
    expect(resolveModel(catalog, { [level]: 'Claude' })).toMatchObject({ modelConfigId: 'claude', source: level });
  });
});

describe('resolveModel: levels 2–6 fall through when their model is gone', () => {
  const FALL_THROUGH = ['queued', 'job', 'session', 'agent'] as const;
  const SUBJECT = {
    queued: 'The queued model',
    job: "The scheduled job's model",
    session: "This session's model",
    agent: "The agent's model",
  };

  it.each(FALL_THROUGH.flatMap((level) => [[level, 'deleted-model'] as const, [level, 'old'] as const, [level, 'legacy'] as const]))(
    '%s naming %j (deleted or disabled) falls to the built-in default with a warning',
    (level, ref) => {
      expect(resolveModel(catalog, { [level]: ref })).toEqual({
        modelConfigId: 'main',
        source: 'builtin',
        warnings: [`${SUBJECT[level]} "${ref}" is no longer available; using "main" (built-in default).`],
      });
    },
  );

  it('falls to the next set level, naming it in the warning', () => {
    expect(resolveModel(catalog, { queued: 'old', global: 'quick' })).toEqual({
      modelConfigId: 'quick',
      source: 'global',
      warnings: ['The queued model "old" is no longer available; using "quick" (global default).'],
    });
    expect(resolveModel(catalog, { session: 'gone', agent: 'fast', global: 'main' })).toEqual({
      modelConfigId: 'quick',
      source: 'agent',
      warnings: ['This session\'s model "gone" is no longer available; using "quick" (agent profile).'],
    });
  });

  it('accumulates one warning per failed level, in chain order, all naming the final target', () => {
    const result = resolveModel(catalog, { queued: 'a', job: 'old', session: 'legacy', agent: 'b', global: 'c' });
    expect(result.source).toBe('builtin');
    expect(result.modelConfigId).toBe('main');
    // The gone global default is not among them: it is reported once, on the setting.
    expect(result.warnings).toEqual([
      'The queued model "a" is no longer available; using "main" (built-in default).',
      'The scheduled job\'s model "old" is no longer available; using "main" (built-in default).',
      'This session\'s model "legacy" is no longer available; using "main" (built-in default).',
      'The agent\'s model "b" is no longer available; using "main" (built-in default).',
    ]);
  });

  it('keeps only the warnings of levels above the winner', () => {
    const result = resolveModel(catalog, { queued: 'gone', job: 'llama', session: 'also-gone' });
    expect(result).toEqual({
      modelConfigId: 'llama',
      source: 'job',
      warnings: ['The queued model "gone" is no longer available; using "llama" (scheduled job).'],
    });
  });

  it('falls through a tier with no enabled model', () => {
    const input = exampleConfig();
    input.models = input.models!.filter((m) => m.id !== 'llama');
    const noLocal = new ModelCatalog(loadConfig({ env: EXAMPLE_ENV, fileText: JSON.stringify(input) }));
    expect(resolveModel(noLocal, { agent: 'local', global: 'fast' })).toMatchObject({ modelConfigId: 'quick', source: 'global' });
  });

  it('uses the first enabled model as the built-in default when the default tier is empty', () => {
    const input = exampleConfig();
    input.models!.find((m) => m.id === 'main')!.enabled = false;
    const noDefault = new ModelCatalog(loadConfig({ env: EXAMPLE_ENV, fileText: JSON.stringify(input) }));
    expect(resolveModel(noDefault, { session: 'main' })).toEqual({
      modelConfigId: 'quick',
      source: 'builtin',
      warnings: ['This session\'s model "main" is no longer available; using "quick" (built-in default).'],
    });
  });
});

describe('resolveModel: level 1 (explicit) must resolve', () => {
  it.each(['nope', 'old', 'legacy'])('rejects %j with INVALID_MODEL listing what is available', (ref) => {
    const error = catchError(() => resolveModel(catalog, { explicit: ref, session: 'quick', global: 'main' }));
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.code).toBe(ErrorCode.INVALID_MODEL);
    expect(error.message).toMatch(new RegExp(`^Unknown or disabled model "${ref}"\\. Available: main \\(GPT-4\\.1, default\\), quick`));
    expect(error.message).not.toMatch(/\bold\b.*GPT-4\)/);
    expect(error.details).toEqual({
      model: ref,
      available: [
        { id: 'main', label: 'GPT-4.1', tier: 'default', aliases: ['gpt'] },
        { id: 'quick', label: 'GPT-4.1 mini', tier: 'fast', aliases: [] },
        { id: 'claude', label: 'Claude Sonnet', tier: 'complex', aliases: [] },
        { id: 'llama', label: 'Llama 3.2 (local)', tier: 'local', aliases: [] },
        { id: 'nano', label: 'GPT-4.1 nano', tier: 'fast', aliases: ['tiny'] },
      ],
    });
    expect(error.toBody().error.code).toBe('INVALID_MODEL');
  });

  it('resolves an explicit tier or alias case-insensitively', () => {
    expect(resolveModel(catalog, { explicit: 'COMPLEX', session: 'quick' })).toEqual({ modelConfigId: 'claude', source: 'explicit', warnings: [] });
    expect(resolveModel(catalog, { explicit: 'Tiny' })).toEqual({ modelConfigId: 'nano', source: 'explicit', warnings: [] });
  });

  it('does not warn about lower levels that are broken when explicit wins', () => {
    expect(resolveModel(catalog, { explicit: 'main', queued: 'gone', global: 'old' }).warnings).toEqual([]);
  });
});

describe('validateModelRef', () => {
  it('returns the model a reference names', () => {
    expect(validateModelRef(catalog, 'gpt').id).toBe('main');
    expect(validateModelRef(catalog, ' LOCAL ').id).toBe('llama');
  });

  it('throws the same INVALID_MODEL error for unknown or disabled refs', () => {
    const error = catchError(() => validateModelRef(catalog, 'old'));
    expect(error.code).toBe(ErrorCode.INVALID_MODEL);
    expect(error.details).toMatchObject({ model: 'old' });
    expect((error.details!['available'] as { id: string }[]).map((m) => m.id)).toEqual(['main', 'quick', 'claude', 'llama', 'nano']);
  });
});

describe('the global default falls through: saved default, then the config file\'s defaultModel, then the built-in tier', () => {
  const withFileDefault = buildCatalog('claude');

  it('uses the config file\'s defaultModel when nothing is saved, or when the saved default is gone', () => {
    expect(resolveModel(withFileDefault, {})).toEqual({ modelConfigId: 'claude', source: 'global', warnings: [] });
    expect(resolveModel(withFileDefault, { global: 'quick' })).toEqual({ modelConfigId: 'quick', source: 'global', warnings: [] });
    for (const gone of ['deleted-model', 'old', 'legacy']) {
      expect(resolveModel(withFileDefault, { global: gone })).toEqual({ modelConfigId: 'claude', source: 'global', warnings: [] });
    }
    // Lower levels still fall to it, and their warnings name it.
    expect(resolveModel(withFileDefault, { session: 'gone', global: 'old' })).toEqual({
      modelConfigId: 'claude',
      source: 'global',
      warnings: ['This session\'s model "gone" is no longer available; using "claude" (global default).'],
    });
  });

  it('falls to the built-in tier only when the config file\'s default is gone too (or absent)', () => {
    const input = exampleConfig();
    input.defaultModel = 'old';
    input.models!.push({ id: 'old', provider: 'openai', model: 'gpt-4', label: 'GPT-4', enabled: false });
    const fileDefaultGone = new ModelCatalog(loadConfig({ env: EXAMPLE_ENV, fileText: JSON.stringify(input) }));
    expect(resolveModel(fileDefaultGone, { global: 'deleted' })).toEqual({ modelConfigId: 'main', source: 'builtin', warnings: [] });
    expect(resolveModel(catalog, { global: 'deleted' })).toEqual({ modelConfigId: 'main', source: 'builtin', warnings: [] });
  });

  it('resolveGlobalDefault says once, on the setting, which default is gone and what is used instead', () => {
    expect(resolveGlobalDefault(withFileDefault, null)).toEqual({ modelConfigId: 'claude', source: 'global', warnings: [] });
    expect(resolveGlobalDefault(withFileDefault, 'quick')).toEqual({ modelConfigId: 'quick', source: 'global', warnings: [] });
    expect(resolveGlobalDefault(withFileDefault, 'old')).toEqual({
      modelConfigId: 'claude',
      source: 'global',
      warnings: ['The saved global default model "old" is no longer available; using "claude" (the config file\'s defaultModel).'],
    });
    // The saved value is the file's own (as the engine passes it before anything is saved): one warning, not two.
    const input = exampleConfig();
    input.defaultModel = 'old';
    input.models!.push({ id: 'old', provider: 'openai', model: 'gpt-4', label: 'GPT-4', enabled: false });
    const fileDefaultGone = new ModelCatalog(loadConfig({ env: EXAMPLE_ENV, fileText: JSON.stringify(input) }));
    expect(resolveGlobalDefault(fileDefaultGone, 'OLD')).toEqual({
      modelConfigId: 'main',
      source: 'builtin',
      warnings: ['The config file\'s defaultModel "old" is no longer available; using "main" (built-in default).'],
    });
    expect(resolveGlobalDefault(fileDefaultGone, 'gone').warnings).toEqual([
      'The saved global default model "gone" is no longer available; using "main" (built-in default).',
      'The config file\'s defaultModel "old" is no longer available; using "main" (built-in default).',
    ]);
    expect(resolveGlobalDefault(catalog, null)).toEqual({ modelConfigId: 'main', source: 'builtin', warnings: [] });
  });
});
