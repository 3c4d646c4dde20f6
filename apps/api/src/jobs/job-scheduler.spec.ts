import { ConfigError, loadConfig } from '@switchboard/models';
import { configJobInputs } from './job-scheduler';

const configWith = (jobs: unknown[]) => loadConfig({ env: {}, fileText: JSON.stringify({ jobs }) });

describe('configJobInputs', () => {
  it('turns the config file jobs into store input with defaults', () => {
    expect(configJobInputs(configWith([{ name: 'n', cron: '0 3 * * *', timezone: 'Europe/Paris', prompt: 'p', model: 'default' }]))).toEqual([
      { name: 'n', schedule: { kind: 'cron', cron: '0 3 * * *', timezone: 'Europe/Paris' }, prompt: 'p', target: { channel: 'job', peerId: 'n' }, model: 'default', enabled: true },
    ]);
  });

  it('fails start with a config error naming each bad cron expression or time zone', () => {
    const config = configWith([
      { name: 'ok', everySeconds: 5, prompt: 'p' },
      { name: 'bad-cron', cron: '0 25 * * *', prompt: 'p' },
      { name: 'bad-tz', cron: '@daily', timezone: 'Atlantis/Capital', prompt: 'p' },
    ]);
    let error: unknown;
    try {
      configJobInputs(config);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      expect.stringMatching(/^jobs\[1\]\.cron: not a valid cron expression/),
      expect.stringMatching(/^jobs\[2\]\.timezone: unknown time zone "Atlantis\/Capital"/),
    ]);
  });

  it('is checked by the config schema for shape, duplicate names and model references', () => {
    expect(() => configWith([{ name: 'x', prompt: 'p' }])).toThrow(/jobs\[0\]\.cron: a job needs a schedule/);
    expect(() => configWith([{ name: 'x', prompt: 'p', everySeconds: 5, model: 'nope' }])).toThrow(/jobs\[0\]\.model: unknown model "nope"/);
    expect(() =>
      configWith([
        { name: 'x', prompt: 'p', everySeconds: 5 },
        { name: 'x', prompt: 'q', everySeconds: 6 },
      ]),
    ).toThrow(/jobs\[1\]\.name: duplicate job name "x"/);
    expect(() => configWith([{ name: 'x', prompt: 'p', everySeconds: 5, when: 'now' }])).toThrow(/jobs\[0\]/);
  });
});
