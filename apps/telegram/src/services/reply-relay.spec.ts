import { draftText, finalHtml } from './reply-relay';

describe('finalHtml', () => {
  it('formats complete replies and says when one did not finish', () => {
    expect(finalHtml({ content: 'a **b**', status: 'complete' })).toBe('a <b>b</b>');
    expect(finalHtml({ content: '', status: 'complete' })).toBe('<i>(empty reply)</i>');
    expect(finalHtml({ content: 'partial', status: 'interrupted' })).toBe('partial\n\n<i>(stopped)</i>');
    expect(finalHtml({ content: 'half', status: 'error' })).toBe('half\n\n<i>(cut off by an error)</i>');
    // Nothing streamed before a failure: the service line says what happened.
    expect(finalHtml({ content: '  ', status: 'error' })).toBe('');
    expect(finalHtml({ content: '', status: 'interrupted' })).toBe('');
  });
});

describe('draftText', () => {
  it('shows the text so far as plain text, marked as in progress, cut to fit one message', () => {
    expect(draftText('')).toBe('');
    expect(draftText('Hello **wor')).toBe('Hello **wor …');
    const long = draftText('x'.repeat(10_000));
    expect(long.length).toBeLessThan(4096);
    expect(long.endsWith(' …')).toBe(true);
  });
});
