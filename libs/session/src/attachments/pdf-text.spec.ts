import { makePdf } from '@switchboard/tools/testing';
import { extractPdfText } from './pdf-text';

describe('extractPdfText (pdf-parse)', () => {
  it('reads the text of a PDF and cuts it to the limit', async () => {
    const pdf = makePdf('Quarterly revenue was 42 million');
    expect(await extractPdfText(pdf, 10_000)).toBe('Quarterly revenue was 42 million');
    expect(await extractPdfText(pdf, 9)).toBe('Quarterly\n[… the rest of this PDF was cut to fit]');
  });

  it('gives null for a file that is not a readable PDF, and says why in the log', async () => {
    const warnings: string[] = [];
    const log = { warn: (o: unknown, m: string) => warnings.push(`${m}: ${JSON.stringify(o)}`) };
    expect(await extractPdfText(Buffer.from('%PDF-1.4 nothing else'), 1000, log)).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/could not read the text of a PDF/)]);
  });
});
