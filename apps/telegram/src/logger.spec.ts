import { createLogger, describeError, makeScrubber } from './logger';

const TOKEN = '123456789:AAExampleTokenExampleTokenExample12';

describe('logger', () => {
  it('scrubs the bot token and token-shaped text from messages, fields and errors', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', [TOKEN, 'api-token-0123456789abcdef'], { write: (s: string) => void lines.push(s) } as never);
    logger.warn({ err: new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`) }, 'getMe failed');
    logger.info({ url: `https://api.telegram.org/file/bot${TOKEN}/voice/a.oga`, token: 'x', nested: { apiToken: 'y' } }, `token ${TOKEN}`);
    logger.error({ header: 'Bearer api-token-0123456789abcdef' }, 'auth');
    logger.warn({ other: '987654321:ZZotherLookingTokenAbcdefghijklmnop' }, 'another bot token');
    const out = lines.join('');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('AAExampleToken');
    expect(out).not.toContain('api-token-0123456789abcdef');
    expect(out).not.toContain('ZZotherLookingToken');
    expect(out).toContain('[REDACTED]');
    expect(JSON.parse(lines[1])).toMatchObject({ token: '[REDACTED]', nested: { apiToken: '[REDACTED]' } });
  });

  it('describes errors with their cause, scrubbed', () => {
    const scrub = makeScrubber([TOKEN]);
    const err = Object.assign(new Error("Network request for 'getMe' failed!"), { error: new Error(`connect to /bot${TOKEN}/getMe refused`) });
    expect(describeError(err, scrub)).toBe("Error: Network request for 'getMe' failed!: connect to /bot[REDACTED]/getMe refused");
  });
});
