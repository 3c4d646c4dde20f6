/**
 * Photos, image documents, PDFs, text files and albums through Telegram, end to end: the fake
 * Bot API serves the files (getFile + the file URL), the real bot downloads them and uploads them
 * to the real API, and the fake LLM records what the model received. Refusals (Telegram's 20 MB,
 * our limits, types we do not read, a model that cannot see) are answered in words, nothing sent.
 */
import { createHash } from 'node:crypto';
import { fakeCatalog, jpegHeader, makePdf, makePng } from '@switchboard/tools/testing';
import { FILES_SUPPORTED } from '../src/bot/features/files';
import { ANN, eventually, startTelegramTest, turnRequests, type TelegramTest } from './harness';

const MAX_FILE_BYTES = 64 * 1024;
const GROUP = -100900;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A JPEG (Telegram sends photos as JPEG) whose bytes differ by `fill`. */
const jpeg = (fill: number, size = 400) => Buffer.concat([jpegHeader().subarray(0, -2), Buffer.alloc(size, fill), Buffer.from([0xff, 0xd9])]);

describe('Telegram: photos, files and albums (e2e)', () => {
  let t: TelegramTest;
  let nextFile = 0;
  beforeAll(async () => {
    t = await startTelegramTest({ env: { TELEGRAM_ALLOW_GROUPS: String(GROUP) }, config: (fake) => fakeCatalog(fake, { attachments: { maxFileBytes: MAX_FILE_BYTES } }) });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.api.fake.reset());

  /** Registers a file on the fake Bot API; returns its id. */
  const file = (content: Buffer, path: string, options: { tooBig?: boolean } = {}) => {
    const id = `f${++nextFile}`;
    t.tg.addFile(id, content, { path: `${path}/file_${nextFile}`, ...options });
    return id;
  };
  const texts = () => t.tg.shown(ANN.id).map((m) => m.text);
  const waitText = (pred: (s: string) => boolean, what: string) => t.tg.waitFor(texts, (x) => x.some(pred), what);
  const messagesSince = (since: number) => t.tg.callsOf('sendMessage').slice(since).filter((c) => Number(c.payload.chat_id) === ANN.id);
  const settle = async () => {
    const n = t.tg.getUpdatesCount;
    await t.tg.waitFor(() => t.tg.getUpdatesCount, (c) => c >= n + 3, 'three more polls');
  };
  const lastUser = () => turnRequests(t).at(-1)!.messages.filter((m) => m.role === 'user').at(-1)!;
  const command = async (text: string, expectReply: (s: string) => boolean) => {
    t.tg.sendText({ text });
    await waitText(expectReply, text);
  };

  it('sends a photo (its largest size) with its caption as the text: the model gets an image part, and the reply arrives', async () => {
    const small = jpeg(1);
    const large = jpeg(2, 2000);
    const sizes = [
      { fileId: file(small, 'photos'), width: 90, height: 68, fileSize: small.length },
      { fileId: file(large, 'photos'), width: 1280, height: 960, fileSize: large.length },
    ];
    const { messageId } = t.tg.pushPhoto({ sizes, caption: 'What is in this photo?' });
    await waitText((s) => s === 'Echo: What is in this photo?', 'the reply');
    expect(turnRequests(t)).toHaveLength(1);
    expect(lastUser()).toEqual({ role: 'user', content: 'What is in this photo?', files: [expect.objectContaining({ kind: 'image', mediaType: 'image/jpeg', sha256: sha(large) })] });
    expect(t.tg.callsOf('getFile').map((c) => c.payload.file_id)).toContain(sizes[1].fileId);
    expect(t.tg.callsOf('getFile').map((c) => c.payload.file_id)).not.toContain(sizes[0].fileId);
    // The stored message carries the photo, for the dashboard and every other door.
    const session = (await t.api.client.listSessions({ channel: 'telegram' })).sessions.find((s) => s.peerId === String(ANN.id))!;
    const stored = (await t.api.client.listMessages(session.id)).messages.filter((m) => m.role === 'user').at(-1)!;
    expect(stored.attachments).toEqual([expect.objectContaining({ name: 'photo.jpg', mediaType: 'image/jpeg', size: large.length })]);
    expect(messageId).toBeGreaterThan(0);
  });

  it('sends an album of two photos as one message with both images, the caption from the item that has it', async () => {
    const a = jpeg(3);
    const b = jpeg(4);
    t.tg.pushPhoto({ sizes: [{ fileId: file(a, 'photos'), width: 800, height: 600 }], mediaGroupId: 'album-1' });
    t.tg.pushPhoto({ sizes: [{ fileId: file(b, 'photos'), width: 800, height: 600 }], mediaGroupId: 'album-1', caption: 'Which one is better?' });
    await waitText((s) => s === 'Echo: Which one is better?', 'the reply to the album');
    await settle();
    expect(turnRequests(t)).toHaveLength(1);
    expect(lastUser().content).toBe('Which one is better?');
    expect(lastUser().files!.map((f) => [f.kind, f.sha256])).toEqual([
      ['image', sha(a)],
      ['image', sha(b)],
    ]);
  });

  it('answers a refused item of an album and sends the others', async () => {
    const pdf = makePdf('Minutes');
    const since = t.tg.callsOf('sendMessage').length;
    const zip = t.tg.pushDocument({ fileId: file(Buffer.from('PK'), 'documents'), fileName: 'bundle.zip', mimeType: 'application/zip', mediaGroupId: 'album-docs' });
    t.tg.pushDocument({ fileId: file(pdf, 'documents'), fileName: 'minutes.pdf', mimeType: 'application/pdf', mediaGroupId: 'album-docs', caption: 'Read these' });
    await waitText((s) => s === 'Echo: Read these', 'the reply to the album');
    const refusal = messagesSince(since).find((c) => String(c.payload.text).includes('bundle.zip'))!;
    expect(refusal.payload.reply_parameters).toMatchObject({ message_id: zip.messageId });
    expect(turnRequests(t)).toHaveLength(1);
    expect(lastUser().files).toEqual([expect.objectContaining({ kind: 'file', filename: 'minutes.pdf', sha256: sha(pdf) })]);
  });

  it('in a group, takes an album addressed to the bot in its caption (the other items carry no mention) and ignores one that is not', async () => {
    const a = jpeg(6);
    const b = jpeg(7);
    t.tg.pushPhoto({ chatId: GROUP, sizes: [{ fileId: file(a, 'photos'), width: 10, height: 10 }], mediaGroupId: 'group-album', caption: `@${t.tg.bot.username} compare these` });
    t.tg.pushPhoto({ chatId: GROUP, sizes: [{ fileId: file(b, 'photos'), width: 10, height: 10 }], mediaGroupId: 'group-album' });
    t.tg.pushPhoto({ chatId: GROUP, sizes: [{ fileId: file(jpeg(8), 'photos'), width: 10, height: 10 }], mediaGroupId: 'chatter', caption: 'not for the bot' });
    await t.tg.waitFor(() => t.tg.shown(GROUP).map((m) => m.text), (x) => x.includes('Echo: compare these'), 'the reply in the group');
    await settle();
    expect(turnRequests(t)).toHaveLength(1);
    expect(lastUser().content).toBe('compare these');
    expect(lastUser().files!.map((f) => f.sha256)).toEqual([sha(a), sha(b)]);
  });

  it('sends an album at once when another message follows it, and keeps the order', async () => {
    const a = jpeg(5);
    t.tg.pushPhoto({ sizes: [{ fileId: file(a, 'photos'), width: 10, height: 10 }], mediaGroupId: 'album-2', caption: 'first the album' });
    t.tg.sendText({ text: 'then this' });
    await waitText((s) => s === 'Echo: then this', 'both replies');
    const turns = turnRequests(t).map((r) => r.messages.filter((m) => m.role === 'user').at(-1)!);
    expect(turns.map((m) => [m.content, m.files?.length ?? 0])).toEqual([
      ['first the album', 1],
      ['then this', 0],
    ]);
  });

  it('sends a PDF as a file part to a model that reads PDFs, and as its text to one that does not', async () => {
    const pdf = makePdf('Quarterly report\nRevenue grew 12 percent');
    t.tg.pushDocument({ fileId: file(pdf, 'documents'), fileName: 'report.pdf', mimeType: 'application/pdf', fileSize: pdf.length, caption: 'Summarize the report' });
    await waitText((s) => s === 'Echo: Summarize the report', 'the reply');
    expect(lastUser().files).toEqual([expect.objectContaining({ kind: 'file', mediaType: 'application/pdf', filename: 'report.pdf', sha256: sha(pdf) })]);

    await command('/model llama', (s) => s.includes('Fake Llama'));
    t.api.fake.reset();
    t.tg.pushDocument({ fileId: file(pdf, 'documents'), fileName: 'report.pdf', mimeType: 'application/pdf', caption: 'And now?' });
    await t.tg.waitFor(() => turnRequests(t).length, (n) => n === 1, 'the turn on llama');
    expect(turnRequests(t)[0].model).toBe('fake-llama');
    expect(lastUser().files ?? []).toEqual([]);
    expect(lastUser().content).toContain('Revenue grew 12 percent');
    expect(lastUser().content).toContain('And now?');
    await waitText((s) => s.startsWith('Echo:') && s.includes('And now?'), 'the reply on llama');
    await command('/model default', (s) => s.startsWith('Session override cleared'));
  });

  it('takes an image sent as a file (PNG) and a text file inlined under a header naming it', async () => {
    const png = makePng(12, 8);
    t.tg.pushDocument({ fileId: file(png, 'documents'), fileName: 'diagram.png', mimeType: 'image/png', caption: 'Look' });
    await waitText((s) => s === 'Echo: Look', 'the reply to the PNG');
    expect(lastUser().files).toEqual([expect.objectContaining({ kind: 'image', mediaType: 'image/png', sha256: sha(png) })]);

    t.api.fake.reset();
    const notes = '# Plan\r\n\r\n- ship the doors\r\n- write the README\r\n';
    // Telegram often reports text files as application/octet-stream: the extension decides.
    t.tg.pushDocument({ fileId: file(Buffer.from(`\uFEFF${notes}`, 'utf8'), 'documents'), fileName: 'notes.md', mimeType: 'application/octet-stream', caption: 'Review this' });
    await t.tg.waitFor(() => turnRequests(t).length, (n) => n === 1, 'the turn');
    expect(lastUser()).toEqual({ role: 'user', content: 'Review this\n\n--- notes.md ---\n# Plan\n\n- ship the doors\n- write the README\n--- end of notes.md ---' });
    await waitText((s) => s.startsWith('Echo: Review this'), 'the reply to the text file');
  });

  it('refuses, in words and with nothing sent: a file over Telegram\'s 20 MB, one Telegram will not hand over, a type it cannot read, one over our limit, a text file too long, one that cannot be downloaded', async () => {
    const cases: Array<{ push: () => { messageId: number }; says: RegExp }> = [
      { push: () => t.tg.pushDocument({ fileId: file(Buffer.from('x'), 'documents'), fileName: 'scan.pdf', mimeType: 'application/pdf', fileSize: 25 * 1024 * 1024 }), says: /scan\.pdf is 25 MB: Telegram lets bots download files up to 20 MB/ },
      { push: () => t.tg.pushDocument({ fileId: file(Buffer.from('x'), 'documents', { tooBig: true }), fileName: 'movie.pdf', mimeType: 'application/pdf' }), says: /movie\.pdf is too big: Telegram lets bots download files up to 20 MB/ },
      { push: () => t.tg.pushDocument({ fileId: file(Buffer.from('PK'), 'documents'), fileName: 'archive.zip', mimeType: 'application/zip', caption: 'unpack this' }), says: new RegExp(`${FILES_SUPPORTED.replace(/[.()]/g, '\\$&')} archive\\.zip \\(application/zip\\) isn't one of them`) },
      { push: () => t.tg.pushDocument({ fileId: file(Buffer.concat([makePng(4, 4), Buffer.alloc(MAX_FILE_BYTES)]), 'documents'), fileName: 'huge.png', mimeType: 'image/png', caption: 'too big' }), says: /^📎 huge\.png: A file may be at most 65,536 bytes \(this one is [\d,]+ bytes\).*I didn't send it\.$/ },
      { push: () => t.tg.pushDocument({ fileId: file(Buffer.from('word '.repeat(12_000)), 'documents'), fileName: 'book.txt', mimeType: 'text/plain' }), says: /book\.txt is too long for me to read here \(60,000 characters; up to 50,000\)/ },
      { push: () => t.tg.pushDocument({ fileId: file(Buffer.from('\x00\x00\x00\x18ftypheic'), 'documents'), fileName: 'IMG_0001.HEIC', mimeType: 'image/heic' }), says: /^📎 IMG_0001\.HEIC: This file is not one of the accepted types \(image\/png, image\/jpeg, image\/gif, image\/webp, application\/pdf\)\. I didn't send it\.$/ },
      { push: () => t.tg.pushDocument({ fileId: 'not-on-telegram', fileName: 'gone.pdf', mimeType: 'application/pdf' }), says: /^📎 I couldn't download gone\.pdf from Telegram, so I didn't send it\./ },
    ];
    for (const c of cases) {
      const since = t.tg.callsOf('sendMessage').length;
      const { messageId } = c.push();
      const [reply] = await t.tg.waitFor(() => messagesSince(since), (x) => x.length > 0, `the refusal ${c.says}`);
      expect(String(reply.payload.text)).toMatch(c.says);
      expect(reply.payload.reply_parameters).toMatchObject({ message_id: messageId });
    }
    await settle();
    expect(turnRequests(t)).toHaveLength(0);
    // Nothing the API kept: no message in the chat's conversation came from these.
    const session = (await t.api.client.listSessions({ channel: 'telegram' })).sessions.find((s) => s.peerId === String(ANN.id))!;
    const users = (await t.api.client.listMessages(session.id)).messages.filter((m) => m.role === 'user');
    expect(users.some((m) => /unpack this|too big/.test(m.content))).toBe(false);
  });

  it('relays a text-only model\'s refusal of a photo with the models that can, the model keyboard one tap away; nothing is sent', async () => {
    await command('/model quick', (s) => s.includes('Fake Quick'));
    const since = t.tg.callsOf('sendMessage').length;
    t.tg.pushPhoto({ sizes: [{ fileId: file(jpeg(9), 'photos'), width: 100, height: 100 }], caption: 'What is this?' });
    const [reply] = await t.tg.waitFor(() => messagesSince(since), (x) => x.length > 0, 'the refusal');
    expect(String(reply.payload.text)).toMatch(/^🖼️ Fake Quick cannot read images, so this message was not sent\. Models that can: Fake Main \(main\)/);
    expect(String(reply.payload.text)).toContain('Pick a model below, then send it again.');
    const buttons = (reply.payload.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toContain('m:main');
    await settle();
    expect(turnRequests(t)).toHaveLength(0);

    // One tap on Fake Main, then the photo again: answered.
    const shown = t.tg.shown(ANN.id).find((m) => m.text.startsWith('🖼️'))!;
    t.tg.pushCallback({ chatId: ANN.id, messageId: shown.messageId, data: 'm:main' });
    const session = (await t.api.client.listSessions({ channel: 'telegram' })).sessions.find((s) => s.peerId === String(ANN.id))!;
    await eventually(() => t.api.client.getSession(session.id), (s) => s.modelOverride === 'main', 'the model switched');
    t.tg.pushPhoto({ sizes: [{ fileId: file(jpeg(9), 'photos'), width: 100, height: 100 }], caption: 'What is this, then?' });
    await waitText((s) => s === 'Echo: What is this, then?', 'the reply with Fake Main');
    expect(lastUser().files).toHaveLength(1);
    await command('/model default', (s) => s.startsWith('Session override cleared'));
  });
});
