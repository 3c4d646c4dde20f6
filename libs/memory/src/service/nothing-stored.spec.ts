import { asksToRemember, nothingStoredText } from './memory.service';

describe('why nothing was remembered', () => {
  it('spots an explicit request to remember', () => {
    expect(asksToRemember([{ content: 'Please remember that I am vegetarian.' }])).toBe(true);
    expect(asksToRemember([{ content: "Don't forget my flight is on Friday." }])).toBe(true);
    expect(asksToRemember([{ content: 'Note that the office moved.' }])).toBe(true);
    expect(asksToRemember([{ content: 'I am vegetarian.' }, { content: 'What is a remembrance day?' }])).toBe(false);
  });

  it('names the offline model, the refusals or the empty answer', () => {
    expect(nothingStoredText('offline', 'no_json_array', {})).toMatch(/offline demo model cannot pick facts/);
    expect(nothingStoredText('main', 'ok', { DUPLICATE: 1, NEAR_DUPLICATE: 1 })).toBe('Nothing new was remembered: already remembered.');
    expect(nothingStoredText('main', 'ok', { SECRET: 1 })).toBe('Nothing new was remembered: it looks like a secret.');
    expect(nothingStoredText('main', 'empty_array', {})).toBe('Nothing was remembered: the memory model found nothing lasting to keep.');
    expect(nothingStoredText('main', 'no_json_array', {})).toBe("Nothing was remembered: the memory model's answer could not be read (no JSON array).");
  });
});
