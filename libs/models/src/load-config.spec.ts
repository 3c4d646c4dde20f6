import { ConfigError } from './config-error';
import { configSecrets, describeProviders, loadConfig, OFFLINE_MODEL, redactUrl, type LoadedConfig } from './load-config';
import { EXAMPLE_ENV, exampleConfig } from './testing/example-config';

/** The ConfigError issues of a failing load (fails the test if it loads). */
function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

function loadJson(value: unknown, env: Record<string, string | undefined> = { ...EXAMPLE_ENV }): LoadedConfig {
  return loadConfig({ env, fileText: JSON.stringify(value), filePath: '/etc/switchboard.json' });
}

describe('loadConfig: the config file', () => {
  it('loads the documented example with secrets resolved and defaults filled', () => {
    const config = loadJson(exampleConfig());
    expect(config.providers['openai']).toEqual({ type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test-openai' });
    expect(config.providers['anthropic']!.apiKey).toBe('sk-ant-test');
    expect(config.models.map((m) => m.id)).toEqual(['main', 'quick', 'claude', 'llama']);
    const quick = config.models[1]!;
    expect(quick).toMatchObject({ enabled: true, aliases: [], fallbacks: [], contextWindow: 128000, tier: 'fast' });
    expect(config.models[0]!.contextWindow).toBe(1000000);
    expect(config.defaultModel).toBe('main');
    expect(config.agents[0]!.match).toEqual({ channel: 'telegram', peer: '*' });
    expect(config.offlineOnly).toBe(false);
    expect(config.sources).toEqual(['file:/etc/switchboard.json']);
  });

  it('fills delegation and compaction defaults when the file omits them', () => {
    const { delegation, compaction, agents, ...rest } = exampleConfig();
    void delegation;
    void compaction;
    void agents;
    const config = loadJson(rest);
    expect(config.delegation).toEqual({
      compaction: 'fast',
      memory_extraction: 'fast',
      classification: 'fast',
      tool_summarisation: 'fast',
      complex_reasoning: 'complex',
    });
    expect(config.compaction).toEqual({ thresholdPct: 80, keepTurns: 6, summaryMaxTokens: 800 });
    expect(config.agents).toEqual([]);
  });

  it('fills a partial compaction block and defaults a model label to its provider model name', () => {
    const input = exampleConfig();
    input.compaction = { keepTurns: 2 };
    delete input.models![1]!.label;
    const config = loadJson(input);
    expect(config.compaction).toEqual({ thresholdPct: 80, keepTurns: 2, summaryMaxTokens: 800 });
    expect(config.models[1]!.label).toBe('gpt-4.1-mini');
  });

  it('reports typos in keys at every level with their path', () => {
    const input = exampleConfig() as Record<string, unknown>;
    input['defualtModel'] = 'main';
    (input['models'] as Record<string, unknown>[])[1]!['teir'] = 'fast';
    (input['providers'] as Record<string, Record<string, unknown>>)['openai']!['apikey'] = 'x';
    const issues = issuesOf(() => loadJson(input));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\(root\): .*"defualtModel"/),
        expect.stringMatching(/^models\[1\]: .*"teir"/),
        expect.stringMatching(/^providers\.openai: .*"apikey"/),
      ]),
    );
  });

  it('rejects model ids that are not lowercase and safe', () => {
    const input = exampleConfig();
    input.models![0]!.id = 'Main';
    input.models![1]!.id = 'has space';
    const issues = issuesOf(() => loadJson(input));
    expect(issues.some((i) => i.startsWith('models[0].id: must be lowercase'))).toBe(true);
    expect(issues.some((i) => i.startsWith('models[1].id: must be lowercase'))).toBe(true);
  });

  it('names an unknown provider with the known ones', () => {
    const input = exampleConfig();
    input.providers = { openai: input.providers!['openai']!, anthropic: input.providers!['anthropic']! };
    input.models![1]!.provider = 'opnai';
    input.models = input.models!.filter((m) => m.id !== 'llama');
    expect(issuesOf(() => loadJson(input))).toEqual(['models[1].provider: unknown provider "opnai" (known: openai, anthropic)']);
  });

  it('allows the built-in offline provider without an entry, or with an entry of type offline', () => {
    const input = exampleConfig();
    input.models!.push({ id: 'demo', provider: 'offline', model: 'switchboard-offline', label: 'Demo' });
    expect(loadJson(input).models.map((m) => m.id)).toContain('demo');
    input.providers!['offline'] = { type: 'offline' };
    expect(loadJson(input).providers['offline']).toEqual({ type: 'offline' });
    input.providers!['offline'] = { type: 'anthropic' };
    expect(issuesOf(() => loadJson(input))).toEqual([expect.stringMatching(/^providers\.offline\.type: .*built in/)]);
  });

  it('rejects duplicate model ids', () => {
    const input = exampleConfig();
    input.models![2]!.id = 'quick';
    expect(issuesOf(() => loadJson(input))).toContain('models[2].id: duplicate model id "quick" (also models[1])');
  });

  it('rejects aliases that clash with another model id, another alias or a tier', () => {
    const input = exampleConfig();
    input.models![1]!.aliases = ['main', 'GPT', 'fast'];
    const issues = issuesOf(() => loadJson(input));
    expect(issues).toEqual([
      'models[1].aliases[0]: alias "main" is the id of models[0]',
      'models[1].aliases[1]: alias "gpt" is already an alias of models[0]',
      'models[1].aliases[2]: alias "fast" is a tier name; tiers already resolve on their own',
    ]);
  });

  it('requires fallbacks, defaultModel, agent models and delegation refs to name known models', () => {
    const input = exampleConfig();
    input.models![0]!.fallbacks = ['claude', 'nope'];
    input.defaultModel = 'gone';
    input.agents![0]!.model = 'missing';
    input.delegation = { compaction: 'tiny' };
    const issues = issuesOf(() => loadJson(input));
    expect(issues.map((i) => i.split(':')[0])).toEqual(['models[0].fallbacks[1]', 'defaultModel', 'agents[0].model', 'delegation.compaction']);
    expect(issues[1]).toMatch(/unknown model "gone" \(known: main, gpt, quick, claude, llama, fast, default, complex, local\)/);
  });

  it('accepts references by alias, tier and built-in alias, case-insensitively', () => {
    const input = exampleConfig();
    input.defaultModel = 'GPT';
    input.models![0]!.fallbacks = ['complex', 'cloud'];
    input.agents![0]!.model = 'Local';
    expect(() => loadJson(input)).not.toThrow();
  });

  it('validates agent match channels and defaults the peer glob', () => {
    const input = exampleConfig();
    input.agents = [{ name: 'any', match: { channel: '*' } }];
    expect(loadJson(input).agents[0]!.match).toEqual({ channel: '*', peer: '*' });
    input.agents = [{ name: 'bad', match: { channel: 'sms' as 'web' } }];
    expect(issuesOf(() => loadJson(input))[0]).toMatch(/^agents\[0\]\.match\.channel: /);
  });

  it('rejects duplicate agent names', () => {
    const input = exampleConfig();
    input.agents = [
      { name: 'support', match: { channel: 'web' } },
      { name: 'Support', match: { channel: 'api' } },
    ];
    expect(issuesOf(() => loadJson(input))).toEqual(['agents[1].name: duplicate agent name "Support" (also agents[0])']);
  });

  it('requires a base URL for openai-compatible providers', () => {
    const input = exampleConfig();
    delete input.providers!['ollama']!.baseUrl;
    expect(issuesOf(() => loadJson(input))).toEqual([expect.stringMatching(/^providers\.ollama\.baseUrl: required/)]);
  });

  it('keeps the optional top-level systemPrompt and provider headers', () => {
    const input = exampleConfig();
    input.systemPrompt = 'You are helpful.';
    input.providers!['ollama']!.headers = { 'X-Team': 'env:TEAM' };
    const config = loadJson(input, { ...EXAMPLE_ENV, TEAM: 'blue' });
    expect(config.systemPrompt).toBe('You are helpful.');
    expect(config.providers['ollama']!.headers).toEqual({ 'X-Team': 'blue' });
  });
});

describe('loadConfig: env references', () => {
  it('names a missing environment variable with its field', () => {
    const issues = issuesOf(() => loadJson(exampleConfig(), { ANTHROPIC_API_KEY: 'a' }));
    expect(issues).toEqual(['providers.openai.apiKey: environment variable OPENAI_API_KEY is not set']);
  });

  it('treats an empty variable as not set and reports every missing one', () => {
    const issues = issuesOf(() => loadJson(exampleConfig(), { OPENAI_API_KEY: '  ' }));
    expect(issues).toEqual([
      'providers.openai.apiKey: environment variable OPENAI_API_KEY is not set',
      'providers.anthropic.apiKey: environment variable ANTHROPIC_API_KEY is not set',
    ]);
  });

  it('resolves env refs in baseUrl and checks the result is a URL', () => {
    const input = exampleConfig();
    input.providers!['ollama']!.baseUrl = 'env:MY_OLLAMA';
    expect(loadJson(input, { ...EXAMPLE_ENV, MY_OLLAMA: 'http://gpu-box:11434/v1' }).providers['ollama']!.baseUrl).toBe(
      'http://gpu-box:11434/v1',
    );
    const issues = issuesOf(() => loadJson(input, { ...EXAMPLE_ENV, MY_OLLAMA: 'gpu-box' }));
    expect(issues).toEqual([expect.stringMatching(/^providers\.ollama\.baseUrl: must be an http\(s\) URL/)]);
  });

  it('rejects a malformed env reference instead of using it as a literal key', () => {
    const input = exampleConfig();
    input.providers!['openai']!.apiKey = 'env: OPENAI_API_KEY';
    expect(issuesOf(() => loadJson(input))).toEqual([expect.stringMatching(/^providers\.openai\.apiKey: .*not a valid environment reference/)]);
  });
});

describe('loadConfig: bad JSON', () => {
  it('names the file and the line, column and position of the error', () => {
    const text = '{\n  "models": [,]\n}';
    let error: unknown;
    try {
      loadConfig({ env: {}, fileText: text, filePath: '/srv/sb.json' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const [issue] = (error as ConfigError).issues;
    expect(issue).toMatch(/^\/srv\/sb\.json: invalid JSON at line 2, column 14 \(position 15\)/);
    expect((error as ConfigError).message).toContain('/srv/sb.json');
  });

  it('reports a truncated file', () => {
    expect(issuesOf(() => loadConfig({ env: {}, fileText: '{"models": [', filePath: 'c.json' }))[0]).toMatch(/^c\.json: invalid JSON/);
  });

  it('accepts a UTF-8 byte order mark', () => {
    const config = loadConfig({ env: EXAMPLE_ENV, fileText: `\uFEFF${JSON.stringify(exampleConfig())}` });
    expect(config.models).toHaveLength(4);
  });
});

describe('loadConfig: environment shortcuts', () => {
  it('builds the OpenAI catalog from OPENAI_API_KEY alone', () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-1' } });
    expect(config.providers).toEqual({ openai: { type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-1', transcriptionModel: 'whisper-1' } });
    expect(config.models.map((m) => [m.id, m.tier])).toEqual([
      ['gpt-4.1', 'default'],
      ['gpt-4.1-mini', 'fast'],
      ['o3', 'complex'],
    ]);
    expect(config.models[0]).toMatchObject({ aliases: ['gpt'], label: 'GPT-4.1', price: { input: 2, output: 8 } });
    expect(config.models.every((m) => m.price && m.contextWindow > 100_000)).toBe(true);
    expect(config.sources).toEqual(['env:OPENAI_API_KEY']);
    expect(config.offlineOnly).toBe(false);
  });

  it('uses OPENAI_BASE_URL alone for a keyless compatible server, and OPENAI_MODEL for the default model', () => {
    const config = loadConfig({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', OPENAI_MODEL: 'qwen2.5-7b' } });
    expect(config.providers['openai']).toEqual({ type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' });
    const main = config.models.find((m) => m.tier === 'default')!;
    expect(main).toMatchObject({ id: 'gpt-4.1', model: 'qwen2.5-7b', label: 'qwen2.5-7b' });
    expect(main.price).toBeUndefined();
    expect(config.sources).toEqual(['env:OPENAI_BASE_URL', 'env:OPENAI_MODEL']);
  });

  it('makes Sonnet the default tier and Haiku fast with Anthropic alone', () => {
    const config = loadConfig({ env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://proxy.local/v1' } });
    expect(config.providers['anthropic']).toEqual({ type: 'anthropic', apiKey: 'k', baseUrl: 'http://proxy.local/v1' });
    expect(config.models.map((m) => [m.id, m.tier, m.aliases])).toEqual([
      ['claude-sonnet-4-5', 'default', ['claude']],
      ['claude-haiku-4-5', 'fast', []],
    ]);
  });

  it('splits tiers without clashes when OpenAI, Anthropic and Ollama are all set', () => {
    const config = loadConfig({
      env: { OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a', OLLAMA_BASE_URL: 'http://localhost:11434/', OLLAMA_MODEL: 'qwen3' },
    });
    expect(config.models.map((m) => [m.id, m.tier])).toEqual([
      ['gpt-4.1', 'default'],
      ['gpt-4.1-mini', 'fast'],
      ['o3', null],
      ['claude-sonnet-4-5', 'complex'],
      ['claude-haiku-4-5', null],
      ['ollama', 'local'],
    ]);
    const tiers = config.models.map((m) => m.tier).filter(Boolean);
    expect(new Set(tiers).size).toBe(tiers.length);
    expect(config.providers['ollama']).toEqual({ type: 'openai-compatible', baseUrl: 'http://localhost:11434/v1' });
    expect(config.models[5]).toMatchObject({ model: 'qwen3', label: 'qwen3 (local, Ollama)', price: { input: 0, output: 0 } });
  });

  it('names the variable when a shortcut base URL is not a URL', () => {
    expect(issuesOf(() => loadConfig({ env: { OLLAMA_BASE_URL: 'gpu-box:11434' } }))).toEqual([
      'OLLAMA_BASE_URL: must be an http(s) URL such as http://127.0.0.1:11434 (got "gpu-box:11434")',
    ]);
    expect(issuesOf(() => loadConfig({ env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: '127.0.0.1:8000/v1' } }))[0]).toMatch(/^OPENAI_BASE_URL: /);
  });

  it('keeps an Ollama URL that already ends in /v1 and defaults the model to llama3.2', () => {
    const config = loadConfig({ env: { OLLAMA_BASE_URL: 'http://gpu:11434/v1' } });
    expect(config.providers['ollama']!.baseUrl).toBe('http://gpu:11434/v1');
    expect(config.models).toEqual([expect.objectContaining({ id: 'ollama', model: 'llama3.2', tier: 'local' })]);
  });

  it('does not override a provider the file defines, nor duplicate one that reads the same variable', () => {
    const config = loadJson(exampleConfig(), { ...EXAMPLE_ENV, OLLAMA_BASE_URL: 'http://other:11434' });
    expect(config.models.map((m) => m.id)).toEqual(['main', 'quick', 'claude', 'llama']);
    expect(config.providers['ollama']!.baseUrl).toBe('http://127.0.0.1:11434/v1');

    const renamed = { providers: { oai: { type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', apiKey: 'env:OPENAI_API_KEY' } }, models: [{ id: 'x', provider: 'oai', model: 'gpt-4.1', tier: 'default' }] };
    expect(Object.keys(loadJson(renamed, { OPENAI_API_KEY: 'k' }).providers)).toEqual(['oai']);
  });

  it('adds shortcut providers next to a file, leaving the file its tiers, ids and aliases', () => {
    const file = {
      providers: { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' } },
      models: [{ id: 'o3', provider: 'local', model: 'mistral', tier: 'default', aliases: ['claude'] }],
    };
    const config = loadJson(file, { OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a' });
    expect(config.models.map((m) => [m.id, m.tier])).toEqual([
      ['o3', 'default'],
      ['gpt-4.1', null],
      ['gpt-4.1-mini', 'fast'],
      ['claude-sonnet-4-5', 'complex'],
      ['claude-haiku-4-5', null],
    ]);
    expect(config.models.find((m) => m.id === 'claude-sonnet-4-5')!.aliases).toEqual([]);
    expect(config.sources).toEqual(['file:/etc/switchboard.json', 'env:OPENAI_API_KEY', 'env:ANTHROPIC_API_KEY']);
  });
});

describe('loadConfig: the offline model', () => {
  it('is the whole catalog when nothing is configured', () => {
    const config = loadConfig({ env: {} });
    expect(config.models).toEqual([{ ...OFFLINE_MODEL }]);
    expect(config.models[0]).toMatchObject({ id: 'offline', provider: 'offline', tier: 'default', contextWindow: 32000, price: { input: 0, output: 0 } });
    expect(config.providers).toEqual({ offline: { type: 'offline' } });
    expect(config.offlineOnly).toBe(true);
    expect(config.sources).toEqual(['builtin:offline']);
  });

  it('is added when every configured model is disabled', () => {
    const input = exampleConfig();
    input.models!.forEach((m) => (m.enabled = false));
    const config = loadJson(input);
    expect(config.models.filter((m) => m.enabled).map((m) => m.id)).toEqual(['offline']);
    expect(config.offlineOnly).toBe(true);
  });

  it('is not added when a model is enabled', () => {
    const config = loadConfig({ env: { OLLAMA_BASE_URL: 'http://x:1' } });
    expect(config.models.some((m) => m.id === 'offline')).toBe(false);
    expect(config.offlineOnly).toBe(false);
  });
});

describe('describeProviders', () => {
  it('never shows keys and strips credentials from base URLs', () => {
    const input = exampleConfig();
    input.providers!['ollama']!.baseUrl = 'http://user:secret@gpu:11434/v1?key=abc#x';
    const info = describeProviders(loadJson(input));
    expect(info).toEqual([
      { id: 'openai', type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', hasApiKey: true },
      { id: 'anthropic', type: 'anthropic', baseUrl: null, hasApiKey: true },
      { id: 'ollama', type: 'openai-compatible', baseUrl: 'http://gpu:11434/v1', hasApiKey: false },
    ]);
    expect(JSON.stringify(info)).not.toMatch(/sk-|secret|abc/);
  });

  it('redacts userinfo and query from any URL', () => {
    expect(redactUrl('https://a:b@h.example/p?token=t')).toBe('https://h.example/p');
  });
});

describe('loadConfig: MCP servers keep their credentials out of the file', () => {
  const withMcp = (env: Record<string, string>) =>
    loadConfig({
      env,
      fileText: JSON.stringify({
        mcpServers: {
          github: { command: 'github-mcp', env: { GITHUB_TOKEN: 'env:GH_TOKEN', LOG_FORMAT: 'json' } },
          search: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'env:SEARCH_AUTH', 'X-Team': 'blue' } },
        },
      }),
      filePath: '/etc/switchboard.json',
    });

  it('resolves env: references in a stdio server\'s environment and an HTTP server\'s headers', () => {
    const config = withMcp({ GH_TOKEN: 'ghp_fromTheEnvironment000000000000000', SEARCH_AUTH: 'Bearer search-secret-123456' });
    const github = config.mcpServers.github as { env: Record<string, string> };
    const search = config.mcpServers.search as { headers: Record<string, string> };
    expect(github.env).toEqual({ GITHUB_TOKEN: 'ghp_fromTheEnvironment000000000000000', LOG_FORMAT: 'json' });
    expect(search.headers).toEqual({ Authorization: 'Bearer search-secret-123456', 'X-Team': 'blue' });
  });

  it('names a missing variable without quoting any value', () => {
    expect(() => withMcp({ GH_TOKEN: 'ghp_fromTheEnvironment000000000000000' })).toThrow(/mcpServers\.search\.headers\.Authorization: environment variable SEARCH_AUTH is not set/);
  });

  it('lists their credentials among the secrets every scrubber hides, and not their plain settings', () => {
    const secrets = configSecrets(withMcp({ GH_TOKEN: 'ghp_fromTheEnvironment000000000000000', SEARCH_AUTH: 'Bearer search-secret-123456' }));
    expect(secrets).toEqual(expect.arrayContaining(['ghp_fromTheEnvironment000000000000000', 'Bearer search-secret-123456']));
    expect(secrets).not.toContain('json');
    expect(secrets).not.toContain('blue');
  });
});
