import { MEMORY_MAX_CHARS } from '@switchboard/protocol';
import { buildExtractionPrompt, EXTRACTION_MARKER } from './extraction-prompt';

describe('buildExtractionPrompt', () => {
  const prompt = buildExtractionPrompt({
    turns: [
      { role: 'user', content: 'I moved to Lisbon. My password is hunter2' },
      { role: 'assistant', content: 'Nice! Since you love surfing, Lisbon is great.' },
    ],
    known: [{ id: 'm-1', content: 'User lives in Berlin', scope: 'global' }],
    hasProject: false,
  });

  it('states the length limit and the user-only rule', () => {
    expect(prompt.system).toContain(`at most ${MEMORY_MAX_CHARS} characters`);
    expect(prompt.system).toMatch(/Only what the USER said is a source of facts/);
    expect(prompt.system).toMatch(/Never extract secrets/);
    expect(prompt.system).toContain('"global" only');
  });

  it('puts the whole task in the user message, roles kept, known memories listed with ids', () => {
    expect(prompt.user.startsWith(EXTRACTION_MARKER)).toBe(true);
    expect(prompt.user).toContain('- [m-1] (global) User lives in Berlin');
    expect(prompt.user).toContain('[user] I moved to Lisbon.');
    expect(prompt.user).toContain('[assistant — context only, not a source] Nice!');
  });

  it('never sends secrets to the extractor', () => {
    expect(prompt.user).not.toContain('hunter2');
    expect(prompt.user).toContain('[REDACTED]');
  });
});
