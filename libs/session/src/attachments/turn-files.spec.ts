import { makePdf, makePng } from '@switchboard/tools/testing';
import { openTestDatabase, type TestDatabase } from '../testing/test-database';
import { AttachmentStore } from '../store/attachment.store';
import { SessionStore } from '../store/session.store';
import { addPdfTexts, attachmentTokens, loadTurnFiles } from './turn-files';

describe('the files of a turn', () => {
  let db: TestDatabase;
  let store: AttachmentStore;
  let sessionId: string;
  beforeEach(async () => {
    db = await openTestDatabase();
    store = new AttachmentStore(db.ds.manager);
    sessionId = (await new SessionStore(db.ds.manager).getOrCreate({ channel: 'web', peerId: 'f' })).session.id;
  });
  afterEach(() => db.close());

  it('loads the bytes of each message\'s attachments in order; a file no longer stored becomes a note, not a silent gap', async () => {
    const png = makePng();
    const a = await store.create({ sessionId, name: 'a.png', mediaType: 'image/png', data: png });
    const refs = [
      { id: a.id, name: 'a.png', mediaType: 'image/png', size: png.length },
      { id: 'imported-elsewhere', name: 'old.jpg', mediaType: 'image/jpeg', size: 10 },
    ];
    const out = await loadTurnFiles(store, [{ role: 'user', content: 'see', attachments: refs }, { role: 'assistant', content: 'ok' }], {
      acceptsPdf: true,
      contextWindow: 10_000,
      pdfTextMaxChars: 1000,
    });
    expect(out[0].content).toBe('[Attached file no longer available: old.jpg]\nsee');
    expect(out[0].files?.map((f) => [f.name, Buffer.from(f.data).equals(png)])).toEqual([['a.png', true]]);
    expect(out[1]).toEqual({ role: 'assistant', content: 'ok' });
    expect('attachments' in out[0]).toBe(false);
  });

  it('gives PDFs their text only for a model that cannot read them, within the share of the context window', async () => {
    const pdf = makePdf(Array.from({ length: 50 }, (_, i) => `Line ${i} of a long report`).join('\n'));
    const messages = [{ role: 'user' as const, content: 'x', files: [{ mediaType: 'application/pdf', data: pdf, name: 'p.pdf' }] }];
    await addPdfTexts(messages, { acceptsPdf: true, contextWindow: 10_000, pdfTextMaxChars: 100_000 });
    expect(messages[0].files[0]).not.toHaveProperty('text');
    // 35% of a 400-token window at four characters a token: 560 characters of text (at least 500).
    await addPdfTexts(messages, { acceptsPdf: false, contextWindow: 400, pdfTextMaxChars: 100_000 });
    const text = (messages[0].files[0] as { text?: string }).text!;
    expect(text.startsWith('Line 0 of a long report\nLine 1')).toBe(true);
    expect(text).toMatch(/\[… the rest of this PDF was cut to fit\]$/);
    expect(text.length).toBe(560 + '\n[… the rest of this PDF was cut to fit]'.length);
  });

  it('budgets an image at a fixed estimate and a PDF by its size', () => {
    expect(attachmentTokens({ role: 'user', content: '', attachments: [{ id: 'i', name: 'i', mediaType: 'image/png', size: 10_000_000 }] })).toBe(1600);
    expect(attachmentTokens({ role: 'user', content: '', attachments: [{ id: 'p', name: 'p', mediaType: 'application/pdf', size: 100_000 }] })).toBe(2600);
  });
});
