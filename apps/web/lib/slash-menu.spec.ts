import { COMMANDS } from '@switchboard/session';
import { completeSlash, SLASH_ITEMS, slashMatches } from './slash-menu';

describe('slash menu', () => {
  it('lists every shared command with its description', () => {
    expect(SLASH_ITEMS.map((i) => i.name)).toEqual(COMMANDS.map((c) => c.name));
    expect(slashMatches('/')).toHaveLength(COMMANDS.length);
    expect(SLASH_ITEMS.find((i) => i.name === 'reset')?.description).toContain('/new');
  });

  it('filters as you type: prefix matches first, then matches inside the name', () => {
    expect(slashMatches('/mo')!.map((i) => i.name)).toEqual(['model', 'memory']);
    expect(slashMatches('/mod')!.map((i) => i.name)).toEqual(['model']);
    expect(slashMatches('/s')!.map((i) => i.name).slice(0, 3)).toEqual(['start', 'stop', 'status']);
    expect(slashMatches('/age')!.map((i) => i.name)).toEqual(['usage']);
    expect(slashMatches('/zzz')).toBeNull();
  });

  it('closes once there is an argument, a newline, or no slash', () => {
    expect(slashMatches('/model fast')).toBeNull();
    expect(slashMatches('hello /model')).toBeNull();
    expect(slashMatches('/model\n')).toBeNull();
  });

  it('completes with a space only for commands that take an argument', () => {
    expect(completeSlash(SLASH_ITEMS.find((i) => i.name === 'model')!)).toBe('/model ');
    expect(completeSlash(SLASH_ITEMS.find((i) => i.name === 'usage')!)).toBe('/usage');
  });
});
