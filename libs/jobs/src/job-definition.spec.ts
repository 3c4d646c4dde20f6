import { jobDefinitionSchema } from '@switchboard/protocol';
import { jobSpecFrom } from './job-definition';

const parse = (v: unknown) => jobDefinitionSchema.parse(v);

describe('jobSpecFrom', () => {
  it('applies defaults: enabled, no model, the job channel session named after the job', () => {
    expect(jobSpecFrom(parse({ name: 'ping', everySeconds: 60, prompt: 'ping' }))).toEqual({
      spec: { name: 'ping', schedule: { kind: 'interval', everySeconds: 60 }, prompt: 'ping', target: { channel: 'job', peerId: 'ping' }, model: null, enabled: true },
      issues: [],
    });
  });

  it('keeps an explicit target, model, time zone and enabled', () => {
    const { spec } = jobSpecFrom(parse({ name: 'd', cron: '0 9 * * *', timezone: 'Europe/Paris', prompt: 'p', sessionId: 's1', model: 'fast', enabled: false }));
    expect(spec).toMatchObject({ schedule: { kind: 'cron', cron: '0 9 * * *', timezone: 'Europe/Paris' }, target: { sessionId: 's1' }, model: 'fast', enabled: false });
    expect(jobSpecFrom(parse({ name: 'd', cron: '@daily', prompt: 'p', session: { channel: 'telegram', peerId: '42' } })).spec.target).toEqual({
      channel: 'telegram',
      peerId: '42',
    });
  });

  it('names the field of a bad cron expression or time zone', () => {
    expect(jobSpecFrom(parse({ name: 'd', cron: '* * *', timezone: 'Nowhere/City', prompt: 'p' })).issues).toEqual([
      { field: 'cron', message: expect.stringMatching(/expected 5 fields/) },
      { field: 'timezone', message: expect.stringMatching(/unknown time zone/) },
    ]);
  });

  it('relies on the shared schema for the shape: exactly one schedule, timezone only with cron, one target', () => {
    const issues = (v: unknown) => jobDefinitionSchema.safeParse(v).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues({ name: 'x', prompt: 'p' })).toEqual([['cron', expect.stringMatching(/set cron or everySeconds/)]]);
    expect(issues({ name: 'x', prompt: 'p', cron: '@daily', everySeconds: 5 })).toEqual([['everySeconds', expect.stringMatching(/not both/)]]);
    expect(issues({ name: 'x', prompt: 'p', everySeconds: 5, timezone: 'UTC' })).toEqual([['timezone', expect.stringMatching(/only applies/)]]);
    expect(issues({ name: 'x', prompt: 'p', everySeconds: 5, sessionId: 's', session: { channel: 'web', peerId: 'p' } })).toEqual([
      ['sessionId', expect.stringMatching(/not both/)],
    ]);
    expect(issues({ name: 'x', prompt: '   ', everySeconds: 0, extra: 1 })?.map(([f]) => f).sort()).toEqual(['', 'everySeconds', 'prompt']);
  });
});
