import type { Session } from '@switchboard/protocol';
import { findJobSession, jobFieldErrors } from './job-form';

describe('job form helpers', () => {
  it('puts validation issues on their fields', () => {
    const errors = jobFieldErrors({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'cron: not a valid cron expression',
      details: { field: 'cron', issues: [{ field: 'cron', message: 'not a valid cron expression' }, { field: 'prompt', message: 'prompt must not be blank' }] },
    });
    expect(errors).toEqual({ cron: 'not a valid cron expression', prompt: 'prompt must not be blank' });
  });

  it('reads a field from details.field alone, and gives an unknown model to the model field', () => {
    expect(jobFieldErrors({ status: 400, code: 'VALIDATION_FAILED', message: 'name: a job named x already exists', details: { field: 'name' } })).toEqual({
      name: 'a job named x already exists',
    });
    expect(jobFieldErrors({ status: 400, code: 'INVALID_MODEL', message: 'Unknown model "zz".' })).toEqual({ model: 'Unknown model "zz".' });
    expect(jobFieldErrors({ status: 0, code: 'NETWORK', message: 'down' })).toEqual({ _form: 'down' });
  });

  it("finds a job's conversation by id, by channel + peer, or its own", () => {
    const s = (id: string, channel: Session['channel'], peerId: string) => ({ id, channel, peerId }) as Session;
    const sessions = [s('a', 'web', 'w1'), s('b', 'job', 'brief'), s('c', 'telegram', '42')];
    expect(findJobSession({ name: 'x', sessionId: 'a', session: null }, sessions)?.id).toBe('a');
    expect(findJobSession({ name: 'x', sessionId: null, session: { channel: 'telegram', peerId: '42' } }, sessions)?.id).toBe('c');
    expect(findJobSession({ name: 'brief', sessionId: null, session: null }, sessions)?.id).toBe('b');
    expect(findJobSession({ name: 'other', sessionId: null, session: null }, sessions)).toBeUndefined();
  });
});
