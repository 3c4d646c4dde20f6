import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfigFile } from './load-config-file';
import { EXAMPLE_ENV, exampleConfig } from './testing/example-config';

describe('loadConfigFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sb-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and validates the file, recording it as a source', () => {
    const path = join(dir, 'switchboard.json');
    writeFileSync(path, JSON.stringify(exampleConfig()));
    const config = loadConfigFile({ env: EXAMPLE_ENV, path });
    expect(config.models.map((m) => m.id)).toEqual(['main', 'quick', 'claude', 'llama']);
    expect(config.sources).toEqual([`file:${path}`]);
  });

  it('uses the environment alone without a path', () => {
    expect(loadConfigFile({ env: { OPENAI_API_KEY: 'k' }, path: undefined }).sources).toEqual(['env:OPENAI_API_KEY']);
    expect(loadConfigFile({ env: {}, path: '' }).offlineOnly).toBe(true);
  });

  it('names a missing file', () => {
    const path = join(dir, 'missing.json');
    expect(() => loadConfigFile({ env: {}, path })).toThrow(ConfigError);
    expect(() => loadConfigFile({ env: {}, path })).toThrow(`${path}: cannot read the config file (file not found)`);
  });

  it('names the file in JSON errors', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "models": [ }');
    expect(() => loadConfigFile({ env: {}, path })).toThrow(`${path}: invalid JSON at line 1, column 15`);
  });
});
