import { detectSecret, luhnValid, redactSecrets } from './detect-secrets';

describe('detectSecret', () => {
  it.each([
    ['OpenAI key', 'my key is sk-proj-Abc123def456ghi789jkl012', 'api_key'],
    ['Anthropic key', 'use sk-ant-api03-abcdefghijklmnopqrstuv', 'api_key'],
    ['AWS access key', 'AKIAIOSFODNN7EXAMPLE is the id', 'aws_access_key'],
    ['GitHub token', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'github_token'],
    ['Slack token', 'xoxb-123456789012-abcdefghijkl', 'slack_token'],
    ['Google key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', 'google_api_key'],
    ['Stripe key', 'sk_live_abcdefghijklmnop1234', 'stripe_key'],
    ['Telegram bot token', '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', 'telegram_bot_token'],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'jwt'],
    ['bearer token', 'Authorization: Bearer abcdef1234567890abcdef', 'bearer_token'],
    ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'private_key'],
    ['connection string', 'db is postgres://admin:hunter2@db.example.com/app', 'connection_string'],
    ['password statement', 'My password is hunter2', 'password'],
    ['password with colon', 'password: correct-horse', 'password'],
    ['password for something', 'The password for the wifi is sunshine42', 'password'],
    ['PIN', 'my bank pin is 4821', 'password'],
    ['card number', 'card 4111 1111 1111 1111 exp 12/29', 'card_number'],
    ['card with dashes', '5500-0000-0000-0004', 'card_number'],
    ['high-entropy token', 'the deploy secret X9fK2mQ7vL4pR8sT1wZ6yB3nC5', 'high_entropy_token'],
  ])('finds a %s', (_name, text, kind) => {
    expect(detectSecret(text)).toBe(kind);
  });

  it.each([
    'User prefers password managers like 1Password',
    'The API key is stored in the vault',
    'User works on authentication tokens in the gateway',
    'User phone digits 4111 1111 1111 1112 are not a valid card',
    'Commit 3f2a9c1d0e4b5a6978877665544332211aabbccd fixed the bug',
    'Session 0f8fad5b-d9cb-469f-a165-70867728950e was slow',
    'User likes internationalization and accessibility work',
    'User is 34 years old and lives in Berlin',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(detectSecret(text)).toBeNull();
  });

  it('validates card numbers with Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('1234')).toBe(false);
  });

  it('redacts every secret and keeps the rest of the text', () => {
    const out = redactSecrets('my password is hunter2, key sk-abcdefghijklmnopqrstu and card 4111 1111 1111 1111. I like tea.');
    expect(out).not.toMatch(/hunter2|sk-abc|4111/);
    expect(out).toMatch(/\[REDACTED\].*\[REDACTED\].*\[REDACTED\].*I like tea\./);
  });
});
