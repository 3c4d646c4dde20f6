import { COMMANDS, parseCommand, resolveCommandName } from './parse-command';

describe('parseCommand', () => {
  it.each([
    ['/help', { name: 'help', args: [], argText: '', raw: '/help' }],
    ['/model fast', { name: 'model', args: ['fast'], argText: 'fast', raw: '/model fast' }],
    ['  /model   fast   now  ', { name: 'model', args: ['fast', 'now'], argText: 'fast   now', raw: '/model   fast   now' }],
    ['/MODEL Fast', { name: 'model', args: ['Fast'], argText: 'Fast', raw: '/MODEL Fast' }],
    ['/model@MyBot fast', { name: 'model', args: ['fast'], argText: 'fast', raw: '/model@MyBot fast' }],
    ['/start@my_bot', { name: 'start', args: [], argText: '', raw: '/start@my_bot' }],
    ['/reset\n', { name: 'reset', args: [], argText: '', raw: '/reset' }],
    ['/model\tlocal\nplease', { name: 'model', args: ['local', 'please'], argText: 'local\nplease', raw: '/model\tlocal\nplease' }],
    ['/x_1 a', { name: 'x_1', args: ['a'], argText: 'a', raw: '/x_1 a' }],
    ['/unknowncommand', { name: 'unknowncommand', args: [], argText: '', raw: '/unknowncommand' }],
  ])('parses %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['plain text'],
    [''],
    ['   '],
    ['/'],
    ['/ tmp'],
    ['//x'],
    ['/usr/bin'],
    ['/usr/bin/env node'],
    ['/1abc'],
    ['/_x'],
    ['/model-fast'],
    ['/model.'],
    ['/model@'],
    ['/model@bot/x'],
    ['look at /usr/bin please'],
    ['hello /model fast'],
  ])('does not treat %j as a command', (text) => {
    expect(parseCommand(text)).toBeNull();
  });
});

describe('COMMANDS', () => {
  it('lists every command the doors support, with Telegram-valid names and short descriptions', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['help', 'start', 'model', 'local', 'cloud', 'reset', 'usage', 'memory', 'whoami', 'stop', 'compact', 'status', 'reasoning']);
    for (const c of COMMANDS) {
      expect(c.name).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.description.length).toBeLessThanOrEqual(256);
      expect(c.usage.startsWith(`/${c.name}`)).toBe(true);
      // The usage line must itself parse as its command.
      expect(parseCommand(c.usage)?.name).toBe(c.name);
    }
    expect(COMMANDS.find((c) => c.name === 'model')?.usage).toBe('/model [id|alias|tier|default]');
  });
});

describe('resolveCommandName', () => {
  it('returns the canonical name for names and aliases, case-insensitively', () => {
    expect(resolveCommandName('model')).toBe('model');
    expect(resolveCommandName('MODEL')).toBe('model');
    expect(resolveCommandName('/status')).toBe('status');
    expect(resolveCommandName('new')).toBe('reset');
  });

  it('returns null for unknown names', () => {
    expect(resolveCommandName('teleport')).toBeNull();
    expect(resolveCommandName('')).toBeNull();
  });

  it('resolves whatever parseCommand yields for a known command', () => {
    expect(resolveCommandName(parseCommand('/New@Bot')!.name)).toBe('reset');
  });
});
