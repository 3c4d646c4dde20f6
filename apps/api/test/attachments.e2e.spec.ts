import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { SwitchboardApiError, type Attachment, type Message } from '@switchboard/protocol';
import type { FakeLlmFile, FakeLlmServer } from '@switchboard/tools/fake-llm';
import { makePdf, makePng, jpegHeader } from '@switchboard/tools/testing';
import { createPostgresTestDatabase } from '@switchboard/persistence/testing';
import { startFakeLlm } from '@switchboard/tools/fake-llm';
import { FAKE_KEY } from '@switchboard/tools/testing';
import { AUTH_HEADERS, TEST_TOKEN, describeMainPassOnly, describeSqlite, eventually, queryDatabase, rawRequest, startTestApi, testConfig, turnRequests, type TestApi } from './harness';

/*
 * Attachments through every door, against the real API, its database and the fake LLM: what the
 * provider received (image and file parts in its own wire format), what is stored, what is refused
 * (nothing stored then), and what deleting removes.
 */

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PNG = makePng(2, 2);
const PDF_TEXT = 'Quarterly revenue was 42 million';
const PDF = makePdf(PDF_TEXT);

/** The files of the last conversation-turn request's last user message. */
function lastTurnFiles(fake: FakeLlmServer): FakeLlmFile[] {
  const turns = turnRequests(fake);
  const req = turns[turns.length - 1];
  const users = req.messages.filter((m) => m.role === 'user');
  return users[users.length - 1].files ?? [];
}

async function rowCount(t: TestApi, table: string, where = '', params: unknown[] = []): Promise<number> {
  const [row] = await queryDatabase<{ n: number | string }>(t, `SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`, params);
  return Number(row.n);
}

async function expectApiError(p: Promise<unknown>, status: number, code: string): Promise<SwitchboardApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SwitchboardApiError);
  expect(err).toMatchObject({ status, code });
  return err as SwitchboardApiError;
}

describe('attachments', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.close());
  beforeEach(() => t.fake.reset());

  const upload = (sessionId: string, data: Buffer, type: string, name?: string) => t.client.uploadAttachment(sessionId, data, type, name);

  describe('REST: upload, then send with attachment ids', () => {
    it('sends an image to an OpenAI-compatible model as an image part; the message carries its metadata and the bytes can be read back', async () => {
      const s = await t.client.createSession({ peerId: 'rest-image' });
      const a = await upload(s.id, PNG, 'image/png', 'red square.png');
      expect(a).toMatchObject({ sessionId: s.id, name: 'red square.png', mediaType: 'image/png', size: PNG.length, status: 'pending', messageId: null });

      const res = await t.client.sendMessage(s.id, { text: 'What colour is this?', attachmentIds: [a.id], wait: true });
      expect(res.reply?.status).toBe('complete');
      expect(res.message?.attachments).toEqual([{ id: a.id, name: 'red square.png', mediaType: 'image/png', size: PNG.length }]);

      const files = lastTurnFiles(t.fake);
      expect(files).toEqual([{ kind: 'image', mediaType: 'image/png', bytes: PNG.length, sha256: sha(PNG) }]);
      expect(lastTurnRequestModel(t.fake)).toBe('fake-main');
      // The text goes after the image, in the same user message.
      const user = turnRequests(t.fake).at(-1)!.body.messages.at(-1);
      expect(user.content.map((p: { type: string }) => p.type)).toEqual(['image_url', 'text']);

      expect(await t.client.getAttachment(s.id, a.id)).toMatchObject({ status: 'sent', messageId: res.message!.id });
      const content = await t.client.fetchAttachmentContent(s.id, a.id);
      expect(Buffer.from(content.data).equals(PNG)).toBe(true);
      expect(content.mediaType).toBe('image/png');
      const raw = await fetch(t.client.attachmentContentUrl(s.id, a.id), { headers: AUTH_HEADERS });
      expect(raw.headers.get('x-content-type-options')).toBe('nosniff');
      expect(raw.headers.get('content-disposition')).toMatch(/^inline; filename="red square.png"/);

      const history = (await t.client.listMessages(s.id)).messages.filter((m) => m.role === 'user');
      expect(history.map((m) => m.attachments)).toEqual([[{ id: a.id, name: 'red square.png', mediaType: 'image/png', size: PNG.length }]]);

      // Sent once: sending it again is refused, and nothing is stored.
      const before = (await t.client.listMessages(s.id)).messages.length;
      await expectApiError(t.client.sendMessage(s.id, { text: 'again', attachmentIds: [a.id] }), 409, 'ATTACHMENT_IN_USE');
      expect((await t.client.listMessages(s.id)).messages).toHaveLength(before);
    });

    it('sends an image to an Anthropic model as an image block, and a message may be files alone', async () => {
      const s = await t.client.createSession({ peerId: 'rest-anthropic' });
      const a = await upload(s.id, PNG, 'image/png');
      const res = await t.client.sendMessage(s.id, { text: '', model: 'claude', attachmentIds: [a.id], wait: true });
      expect(res.reply?.status).toBe('complete');
      expect(res.message).toMatchObject({ content: '', attachments: [{ id: a.id, name: 'image.png' }] });
      // Named after its file until a title is generated (never an empty title).
      expect((await t.client.getSession(s.id)).title).toBeTruthy();
      const req = turnRequests(t.fake).at(-1)!;
      expect(req.api).toBe('anthropic');
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'image', mediaType: 'image/png', bytes: PNG.length, sha256: sha(PNG) }]);
      const block = req.body.messages.at(-1).content.find((c: { type: string }) => c.type === 'image');
      expect(block.source).toMatchObject({ type: 'base64', media_type: 'image/png' });
    });

    it('refuses an image for a text-only model with a clear message naming models that can see; nothing is sent or stored', async () => {
      const s = await t.client.createSession({ peerId: 'rest-text-only' });
      const a = await upload(s.id, PNG, 'image/png');
      const err = await expectApiError(t.client.sendMessage(s.id, { text: 'look', model: 'quick', attachmentIds: [a.id] }), 422, 'ATTACHMENT_NOT_SUPPORTED');
      expect(err.message).toMatch(/Fake Quick cannot read images/);
      expect(err.message).toMatch(/Fake Main \(main\)/);
      expect(err.details).toMatchObject({ model: 'quick', suggestions: expect.arrayContaining([{ id: 'main', label: 'Fake Main' }]) });
      expect((await t.client.listMessages(s.id)).messages).toEqual([]);
      expect(turnRequests(t.fake)).toEqual([]);
      // The explicit model was not recorded either, and the upload can still be sent with a model that sees.
      expect((await t.client.getSession(s.id)).modelOverride).toBeNull();
      expect((await t.client.getAttachment(s.id, a.id)).status).toBe('pending');
      const ok = await t.client.sendMessage(s.id, { text: 'look', model: 'main', attachmentIds: [a.id], wait: true });
      expect(ok.reply?.status).toBe('complete');
    });

    it('sends a PDF as a file part to a model that reads PDFs, and as its extracted text to one that does not', async () => {
      const s = await t.client.createSession({ peerId: 'rest-pdf' });
      const a = await upload(s.id, PDF, 'application/pdf', 'report.pdf');
      await t.client.sendMessage(s.id, { text: 'Summarise', attachmentIds: [a.id], wait: true });
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'file', mediaType: 'application/pdf', bytes: PDF.length, sha256: sha(PDF), filename: 'report.pdf' }]);

      // llama sees images but not PDFs: the same history reaches it as text, the PDF's own words inside.
      await t.client.sendMessage(s.id, { text: 'And in one line?', model: 'llama', wait: true });
      const sent = turnRequests(t.fake).at(-1)!;
      expect(sent.model).toBe('fake-llama');
      const first = sent.messages.find((m) => m.role === 'user')!;
      expect(first.files).toBeUndefined();
      expect(first.content).toContain('<file name="report.pdf" type="application/pdf">');
      expect(first.content).toContain(PDF_TEXT);

      // Anthropic takes it as a document block.
      const b = await upload(s.id, PDF, 'application/pdf', 'again.pdf');
      await t.client.sendMessage(s.id, { text: 'Once more', model: 'claude', attachmentIds: [b.id], wait: true });
      const doc = turnRequests(t.fake).at(-1)!.body.messages.at(-1).content.find((c: { type: string }) => c.type === 'document');
      expect(doc.source).toMatchObject({ type: 'base64', media_type: 'application/pdf' });
    });

    it('checks the file by its bytes: a wrong declared type, unknown bytes and unsupported types are refused; octet-stream is sniffed', async () => {
      const s = await t.client.createSession({ peerId: 'rest-types' });
      await expectApiError(upload(s.id, PNG, 'image/jpeg'), 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
      await expectApiError(upload(s.id, Buffer.from('just some text, not an image'), 'image/png'), 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
      await expectApiError(upload(s.id, Buffer.from('hello'), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectApiError(upload(s.id, Buffer.alloc(0), 'image/png'), 400, 'VALIDATION_FAILED');
      await expectApiError(upload('no-such-session', PNG, 'image/png'), 404, 'SESSION_NOT_FOUND');
      expect(await rowCount(t, 'attachments', 'session_id = ?', [s.id])).toBe(0);
      expect(await upload(s.id, PNG, 'application/octet-stream')).toMatchObject({ mediaType: 'image/png', name: 'image.png' });
      expect(await upload(s.id, jpegHeader(), 'image/jpeg', '../../etc/passwd.jpg')).toMatchObject({ mediaType: 'image/jpeg', name: 'passwd.jpg' });
    });

    it('refuses an unknown attachment id, or another conversation\'s, and the message is not stored', async () => {
      const s = await t.client.createSession({ peerId: 'rest-ids-a' });
      const other = await t.client.createSession({ peerId: 'rest-ids-b' });
      const theirs = await upload(other.id, PNG, 'image/png');
      await expectApiError(t.client.sendMessage(s.id, { text: 'hi', attachmentIds: [theirs.id] }), 404, 'ATTACHMENT_NOT_FOUND');
      await expectApiError(t.client.sendMessage(s.id, { text: 'hi', attachmentIds: ['nope'] }), 404, 'ATTACHMENT_NOT_FOUND');
      await expectApiError(t.client.getAttachment(s.id, theirs.id), 404, 'ATTACHMENT_NOT_FOUND');
      await expectApiError(t.client.fetchAttachmentContent(s.id, theirs.id), 404, 'ATTACHMENT_NOT_FOUND');
      await expectApiError(t.client.sendMessage(s.id, { text: '   ' }), 400, 'VALIDATION_FAILED');
      expect((await t.client.listMessages(s.id)).messages).toEqual([]);
      expect((await t.client.getAttachment(other.id, theirs.id)).status).toBe('pending');
    });

    it('`/model <id>` with files sends them with that model; another command refuses files instead of dropping them', async () => {
      const s = await t.client.createSession({ peerId: 'rest-command-files' });
      const a = await upload(s.id, PNG, 'image/png');
      await expectApiError(t.client.sendMessage(s.id, { text: '/help', attachmentIds: [a.id] }), 400, 'VALIDATION_FAILED');
      await expectApiError(t.client.sendMessage(s.id, { text: '/model default', attachmentIds: [a.id] }), 400, 'VALIDATION_FAILED');
      expect((await t.client.listMessages(s.id)).messages).toEqual([]);
      const res = await t.client.sendMessage(s.id, { text: '/model claude', attachmentIds: [a.id], wait: true });
      expect(res.message?.attachments).toEqual([expect.objectContaining({ id: a.id })]);
      expect(turnRequests(t.fake).at(-1)!.api).toBe('anthropic');
      expect(lastTurnFiles(t.fake)).toEqual([expect.objectContaining({ kind: 'image', sha256: sha(PNG) })]);
    });

    it('deletes an unsent upload, but not a sent one', async () => {
      const s = await t.client.createSession({ peerId: 'rest-delete-upload' });
      const a = await upload(s.id, PNG, 'image/png');
      expect(await t.client.deleteAttachment(s.id, a.id)).toMatchObject({ id: a.id });
      await expectApiError(t.client.getAttachment(s.id, a.id), 404, 'ATTACHMENT_NOT_FOUND');
      expect(await rowCount(t, 'attachment_blobs', 'attachment_id = ?', [a.id])).toBe(0);
      const b = await upload(s.id, PNG, 'image/png');
      await t.client.sendMessage(s.id, { text: 'x', attachmentIds: [b.id], wait: true });
      await expectApiError(t.client.deleteAttachment(s.id, b.id), 409, 'ATTACHMENT_IN_USE');
    });
  });

  describe('queue, retry, edit, export', () => {
    it('a queued message keeps its attachments and its turn sends them; retry and edit send them again', async () => {
      const s = await t.client.createSession({ peerId: 'queue-files' });
      t.fake.addRule({ match: 'slow one', reply: 'done slowly', firstTokenDelayMs: 600 });
      const first = await t.client.sendMessage(s.id, { text: 'slow one' });
      const a = await upload(s.id, PNG, 'image/png', 'queued.png');
      const queued = await t.client.sendMessage(s.id, { text: 'describe the image', attachmentIds: [a.id] });
      expect(queued.queued).toBe(true);
      expect(queued.queuedMessage?.attachments).toEqual([{ id: a.id, name: 'queued.png', mediaType: 'image/png', size: PNG.length }]);
      expect((await t.client.listQueue(s.id)).queue[0].attachments).toHaveLength(1);
      expect((await t.client.getAttachment(s.id, a.id)).status).toBe('queued');
      expect(first.turnId).toBeDefined();

      const reply = await eventually(
        async () => (await t.client.listMessages(s.id)).messages.filter((m) => m.role === 'assistant' && m.status === 'complete'),
        (ms) => ms.length === 2,
        'the queued message to be answered',
      );
      expect(lastTurnFiles(t.fake)).toEqual([expect.objectContaining({ kind: 'image', sha256: sha(PNG) })]);
      const userMsg = (await t.client.listMessages(s.id)).messages.find((m) => m.role === 'user' && m.content === 'describe the image')!;
      expect(userMsg.attachments).toEqual([{ id: a.id, name: 'queued.png', mediaType: 'image/png', size: PNG.length }]);
      expect(await t.client.getAttachment(s.id, a.id)).toMatchObject({ status: 'sent', messageId: userMsg.id });

      // Retry the last reply: the same image goes again.
      t.fake.reset();
      const retried = await t.client.retryMessage(s.id, reply[1].id, { wait: true });
      expect(retried.message.attachments).toEqual(userMsg.attachments);
      expect(lastTurnFiles(t.fake)).toEqual([expect.objectContaining({ kind: 'image', sha256: sha(PNG) })]);
      // Retrying with a model that cannot see is refused (nothing archived).
      await expectApiError(t.client.retryMessage(s.id, retried.reply!.id, { model: 'quick' }), 422, 'ATTACHMENT_NOT_SUPPORTED');
      // Edit the message: new text, same image.
      t.fake.reset();
      const edited = await t.client.editMessage(s.id, retried.message.id, { text: 'what shape is it?', wait: true });
      expect(edited.message).toMatchObject({ content: 'what shape is it?', attachments: userMsg.attachments });
      expect(lastTurnFiles(t.fake)).toEqual([expect.objectContaining({ kind: 'image', sha256: sha(PNG) })]);

      const markdown = await t.client.exportSessionMarkdown(s.id);
      expect(markdown).toContain(`- 📎 queued.png (image/png, 1 KiB)`);
    });

    it('deleting a queued message deletes its attachments', async () => {
      const s = await t.client.createSession({ peerId: 'queue-delete' });
      t.fake.addRule({ match: 'hold on', reply: 'ok', firstTokenDelayMs: 500 });
      await t.client.sendMessage(s.id, { text: 'hold on' });
      const a = await upload(s.id, PNG, 'image/png');
      const q = await t.client.sendMessage(s.id, { text: 'with a file', attachmentIds: [a.id] });
      await t.client.deleteQueued(s.id, q.queuedMessage!.id);
      await expectApiError(t.client.getAttachment(s.id, a.id), 404, 'ATTACHMENT_NOT_FOUND');
      expect(await rowCount(t, 'attachment_blobs', 'attachment_id = ?', [a.id])).toBe(0);
    });
  });

  describe('WebSocket', () => {
    it('session.send with attachmentIds: the provider gets the image, and the pushed events carry the attachment metadata', async () => {
      const s = await t.client.createSession({ peerId: 'ws-image' });
      const a = await upload(s.id, PNG, 'image/png', 'ws.png');
      const socket = await t.socket();
      await socket.call('watch.subscribe', { sessionId: s.id });
      const created: Message[] = [];
      socket.on('message.created', (p) => created.push(p.message));
      const res = await socket.call('session.send', { sessionId: s.id, text: 'see?', attachmentIds: [a.id], wait: true });
      expect(res.message?.attachments).toEqual([{ id: a.id, name: 'ws.png', mediaType: 'image/png', size: PNG.length }]);
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'image', mediaType: 'image/png', bytes: PNG.length, sha256: sha(PNG) }]);
      await eventually(() => created.filter((m) => m.role === 'user'), (ms) => ms.length === 1, 'message.created for the user message');
      expect(created.find((m) => m.role === 'user')?.attachments).toEqual([{ id: a.id, name: 'ws.png', mediaType: 'image/png', size: PNG.length }]);
      await expect(socket.call('session.send', { sessionId: s.id, text: 'again', attachmentIds: [a.id] })).rejects.toMatchObject({ code: 'ATTACHMENT_IN_USE' });
    });
  });

  describe('the OpenAI door, with the openai SDK', () => {
    const openai = () => new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${t.api.url}/v1`, maxRetries: 0 });
    const dataUrl = (type: string, b: Buffer) => `data:${type};base64,${b.toString('base64')}`;

    it('stateless: image_url data URLs reach the provider as image parts; nothing is stored', async () => {
      const stored = await rowCount(t, 'attachments');
      const r = await openai().chat.completions.create({
        model: 'main',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: dataUrl('image/png', PNG) } }] }],
      });
      expect(r.choices[0].message.content).toBe('Echo: What is in this picture?');
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'image', mediaType: 'image/png', bytes: PNG.length, sha256: sha(PNG) }]);
      expect(await rowCount(t, 'attachments')).toBe(stored);

      // Streaming, to Anthropic.
      const stream = await openai().chat.completions.create({
        model: 'claude',
        stream: true,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl('image/png', PNG) } }, { type: 'text', text: 'Again' }] }],
      });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Echo: Again');
      expect(turnRequests(t.fake).at(-1)!.api).toBe('anthropic');
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'image', mediaType: 'image/png', bytes: PNG.length, sha256: sha(PNG) }]);
    });

    it('takes a JSON body far over the usual 1 MiB when it carries images (the door\'s limit follows attachments.maxMessageBytes)', async () => {
      const large = Buffer.concat([makePng(2, 2, [9, 9, 9]), Buffer.alloc(3 * 1024 * 1024, 7)]);
      await openai().chat.completions.create({ model: 'main', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl('image/png', large) } }, { type: 'text', text: 'big' }] }] });
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'image', mediaType: 'image/png', bytes: large.length, sha256: sha(large) }]);
      // Other routes keep their 1 MiB JSON limit.
      const s = await t.client.createSession({ peerId: 'json-limit' });
      await expectApiError(t.client.sendMessage(s.id, { text: 'x'.repeat(90_000) + '"'.repeat(600_000) }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('stateless: a PDF `file` part is a file part for a model that reads PDFs and text for one that does not', async () => {
      const file = { type: 'file' as const, file: { file_data: dataUrl('application/pdf', PDF), filename: 'q3.pdf' } };
      await openai().chat.completions.create({ model: 'main', messages: [{ role: 'user', content: [file, { type: 'text', text: 'Sum up' }] }] });
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'file', mediaType: 'application/pdf', bytes: PDF.length, sha256: sha(PDF), filename: 'q3.pdf' }]);
      await openai().chat.completions.create({ model: 'quick', messages: [{ role: 'user', content: [file, { type: 'text', text: 'Sum up' }] }] });
      const user = turnRequests(t.fake).at(-1)!.messages.at(-1)!;
      expect(user.files).toBeUndefined();
      expect(user.content).toContain(PDF_TEXT);
    });

    it('refuses what it cannot honour in OpenAI\'s error shape: an image for a text-only model, a bad data URL, a remote URL while remote images are off', async () => {
      const image = { type: 'image_url' as const, image_url: { url: dataUrl('image/png', PNG) } };
      await expect(openai().chat.completions.create({ model: 'quick', messages: [{ role: 'user', content: [image] }] })).rejects.toMatchObject({
        status: 422,
        code: 'attachment_not_supported',
      });
      await expect(
        openai().chat.completions.create({ model: 'main', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,notbase64' } }] }] }),
      ).rejects.toMatchObject({ status: 400, code: 'validation_failed', param: 'messages.0.content.0' });
      await expect(
        openai().chat.completions.create({ model: 'main', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://127.0.0.1:9/cat.png' } }] }] }),
      ).rejects.toMatchObject({ status: 422, code: 'attachment_fetch_failed' });
      expect(turnRequests(t.fake)).toEqual([]);
    });

    it('conversation mode: the last user message\'s image is stored with the message of that conversation', async () => {
      const r = await openai().chat.completions.create(
        { model: 'main', messages: [{ role: 'user', content: [{ type: 'text', text: 'Keep this' }, { type: 'image_url', image_url: { url: dataUrl('image/png', PNG) } }] }] },
        { headers: { 'X-Session-Key': 'door-files' } },
      );
      expect(r.choices[0].message.content).toBe('Echo: Keep this');
      expect(lastTurnFiles(t.fake)).toEqual([expect.objectContaining({ kind: 'image', sha256: sha(PNG) })]);
      const session = (await t.client.listSessions({ channel: 'api' })).sessions.find((x) => x.peerId === 'door-files')!;
      const user = (await t.client.listMessages(session.id)).messages.find((m) => m.role === 'user')!;
      expect(user.attachments).toEqual([{ id: expect.any(String), name: 'image.png', mediaType: 'image/png', size: PNG.length }]);

      // Refused for a text-only model: neither the message nor the file is stored.
      await expect(
        openai().chat.completions.create(
          { model: 'quick', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl('image/png', makePng(3, 3)) } }] }] },
          { headers: { 'X-Session-Key': 'door-files' } },
        ),
      ).rejects.toMatchObject({ status: 422, code: 'attachment_not_supported' });
      expect(await rowCount(t, 'attachments', 'session_id = ?', [session.id])).toBe(1);
    });
  });

  describe('deletion', () => {
    it('deleting a conversation removes its files; reset removes the sent ones', async () => {
      const s = await t.client.createSession({ peerId: 'delete-files' });
      const sent = await upload(s.id, PNG, 'image/png');
      await t.client.sendMessage(s.id, { text: 'one', attachmentIds: [sent.id], wait: true });
      const pending = await upload(s.id, PDF, 'application/pdf');
      expect(await rowCount(t, 'attachments', 'session_id = ?', [s.id])).toBe(2);

      await t.client.resetSession(s.id);
      expect(await rowCount(t, 'attachments', 'id = ?', [sent.id])).toBe(0);
      expect(await rowCount(t, 'attachment_blobs', 'attachment_id = ?', [sent.id])).toBe(0);
      expect((await t.client.getAttachment(s.id, pending.id)).status).toBe('pending');

      await t.client.deleteSession(s.id);
      expect(await rowCount(t, 'attachments', 'session_id = ?', [s.id])).toBe(0);
      expect(await rowCount(t, 'attachment_blobs', 'attachment_id IN (?, ?)', [sent.id, pending.id])).toBe(0);
    });

    it('unsent uploads are swept after attachments.unsentTtlMinutes; sent ones stay', async () => {
      const s = await t.client.createSession({ peerId: 'sweep-files' });
      const unsent = await upload(s.id, PNG, 'image/png');
      const sent = await upload(s.id, makePng(4, 4), 'image/png');
      await t.client.sendMessage(s.id, { text: 'keep', attachmentIds: [sent.id], wait: true });
      expect(await t.api.engine.attachments.sweepUnsent(new Date())).toBe(0);
      expect(await t.api.engine.attachments.sweepUnsent(new Date(Date.now() + 61 * 60_000))).toBeGreaterThanOrEqual(1);
      await expectApiError(t.client.getAttachment(s.id, unsent.id), 404, 'ATTACHMENT_NOT_FOUND');
      expect((await t.client.getAttachment(s.id, sent.id)).status).toBe('sent');
    });
  });

  it('the catalog says what each model reads', async () => {
    const models = (await t.client.listModels()).models;
    expect(Object.fromEntries(models.map((m) => [m.id, m.input]))).toMatchObject({
      main: ['text', 'image', 'pdf'],
      quick: ['text'],
      claude: ['text', 'image', 'pdf'],
      llama: ['text', 'image'],
    });
  });

  it('side work (titles, memory extraction) never receives the files', async () => {
    const s = await t.client.createSession({ peerId: 'side-work' });
    const a = await upload(s.id, PNG, 'image/png');
    await t.client.sendMessage(s.id, { text: 'remember that my cat is ginger', attachmentIds: [a.id], wait: true });
    await eventually(() => t.client.getSession(s.id), (x) => x.title !== null && t.fake.requests.length > 1, 'the title call');
    const side = t.fake.requests.filter((r) => !Array.isArray(r.body.tools));
    expect(side.length).toBeGreaterThan(0);
    for (const r of side) expect(r.messages.flatMap((m) => m.files ?? [])).toEqual([]);
  });
});

function lastTurnRequestModel(fake: FakeLlmServer): string {
  return turnRequests(fake).at(-1)!.model;
}

describe('attachment limits (configured)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({
      config: (fake) => testConfig(fake, { attachments: { maxFileBytes: 2048, maxMessageBytes: 3000, maxFiles: 2, types: ['image/png', 'image/jpeg'] } }),
    });
  });
  afterAll(() => t.close());

  it('refuses each limit with its own 4xx and stores nothing', async () => {
    const s = await t.client.createSession({ peerId: 'limits' });
    // A PNG with trailing bytes is still a PNG (readers stop at IEND): a file of any size.
    const sized = (n: number, c: number) => Buffer.concat([makePng(2, 2, [c, c, c]), Buffer.alloc(n)]);
    const big = sized(2100, 1);
    expect(big.length).toBeGreaterThan(2048);
    const e = await expectApiError(t.client.uploadAttachment(s.id, big, 'image/png'), 413, 'ATTACHMENT_TOO_LARGE');
    expect(e.details).toMatchObject({ limit: 'file', maxBytes: 2048 });
    // The raw body refused as soon as its declared length is known.
    const raw = await rawRequest(t.api.url, 'POST', `/api/v1/sessions/${s.id}/attachments`, { body: 'x'.repeat(5000), headers: { ...AUTH_HEADERS, 'content-type': 'image/png' } });
    expect(raw.status).toBe(413);
    expect(raw.json.error?.code).toBe('ATTACHMENT_TOO_LARGE');
    await expectApiError(t.client.uploadAttachment(s.id, PDF, 'application/pdf'), 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(await rowCount(t, 'attachments')).toBe(0);

    const files: Attachment[] = [];
    for (const c of [10, 20, 30] as const) files.push(await t.client.uploadAttachment(s.id, makePng(8, 8, [c, c, c]), 'image/png'));
    await expectApiError(t.client.sendMessage(s.id, { text: 'three', attachmentIds: files.map((f) => f.id) }), 400, 'TOO_MANY_ATTACHMENTS');
    const medium = [await t.client.uploadAttachment(s.id, sized(1600, 5), 'image/png'), await t.client.uploadAttachment(s.id, sized(1600, 6), 'image/png')];
    expect(medium[0].size + medium[1].size).toBeGreaterThan(3000);
    const m = await expectApiError(t.client.sendMessage(s.id, { text: 'two big', attachmentIds: medium.map((f) => f.id) }), 413, 'ATTACHMENT_TOO_LARGE');
    expect(m.details).toMatchObject({ limit: 'message', maxBytes: 3000 });
    expect((await t.client.listMessages(s.id)).messages).toEqual([]);
    for (const f of [...files, ...medium]) expect((await t.client.getAttachment(s.id, f.id)).status).toBe('pending');

    // Within the limits it goes.
    const ok = await t.client.sendMessage(s.id, { text: 'two small', attachmentIds: files.slice(0, 2).map((f) => f.id), wait: true });
    expect(ok.message?.attachments).toHaveLength(2);
  });
});

describe('remote image URLs (enabled)', () => {
  let t: TestApi;
  let images: Server;
  let imagesUrl: string;
  beforeAll(async () => {
    images = createServer((req, res) => {
      if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      else if (req.url === '/moved') res.writeHead(302, { location: '/cat.png' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => images.close(r));
  });

  it('fetches an http(s) image with the SSRF protections: a private address is refused unless allowed', async () => {
    const strict = await startTestApi({ config: (fake) => testConfig(fake, { attachments: { remoteImages: { enabled: true } } }) });
    try {
      const openai = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${strict.api.url}/v1`, maxRetries: 0 });
      await expect(
        openai.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imagesUrl}/cat.png` } }] }] }),
      ).rejects.toMatchObject({ status: 422, code: 'attachment_fetch_failed', message: expect.stringMatching(/loopback address/) });
      expect(turnRequests(strict.fake)).toEqual([]);
    } finally {
      await strict.close();
    }

    t = await startTestApi({ config: (fake) => testConfig(fake, { attachments: { remoteImages: { enabled: true, allowNetworks: ['127.0.0.1/32'] } } }) });
    try {
      const openai = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${t.api.url}/v1`, maxRetries: 0 });
      await openai.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imagesUrl}/moved` } }, { type: 'text', text: 'cat?' }] }] });
      // Fetched by the API (after the redirect) and sent on as data, never as the URL.
      expect(lastTurnFiles(t.fake)).toEqual([{ kind: 'image', mediaType: 'image/png', bytes: PNG.length, sha256: sha(PNG) }]);
      await expect(
        openai.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imagesUrl}/missing.png` } }] }] }),
      ).rejects.toMatchObject({ status: 422, code: 'attachment_fetch_failed' });
    } finally {
      await t.close();
    }
  });
});

// The SQLite file and its WAL, byte for byte (on PostgreSQL a delete is checked through the API above).
describeSqlite('deleted files leave the disk (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-attachments-privacy-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const onDisk = () =>
    readdirSync(dataDir)
      .filter((f) => f.startsWith('switchboard.sqlite'))
      .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
      .join('\n');

  it("a deleted conversation's files and a deleted upload are overwritten in the database file and its log", async () => {
    const t = await startTestApi({ dataDir });
    try {
      const sentMarker = 'Xylophonemarker sent in a PDF';
      const uploadMarker = 'Quokkamarker uploaded and deleted';
      const keptMarker = 'Keptfilemarker in a conversation that stays';
      const gone = await t.client.createSession({ peerId: 'privacy-files-gone' });
      const a = await t.client.uploadAttachment(gone.id, makePdf(sentMarker), 'application/pdf');
      await t.client.sendMessage(gone.id, { text: 'read it', attachmentIds: [a.id], wait: true });
      const stays = await t.client.createSession({ peerId: 'privacy-files-stays' });
      const k = await t.client.uploadAttachment(stays.id, makePdf(keptMarker), 'application/pdf');
      await t.client.sendMessage(stays.id, { text: 'keep it', attachmentIds: [k.id], wait: true });
      const u = await t.client.uploadAttachment(stays.id, makePdf(uploadMarker), 'application/pdf');
      expect(onDisk()).toContain('Xylophonemarker');
      expect(onDisk()).toContain('Quokkamarker');

      await t.client.deleteAttachment(stays.id, u.id);
      await t.client.deleteSession(gone.id);
      const after = onDisk();
      expect(after).toContain('Keptfilemarker');
      expect(after).not.toContain('Xylophonemarker');
      expect(after).not.toContain('Quokkamarker');
    } finally {
      await t.close();
    }
  });
});

// Files live in the database: two replicas on one PostgreSQL need nothing shared besides it.
describeMainPassOnly('attachments across replicas (one PostgreSQL database)', () => {
  it('an upload on one replica is sent through the other, read back from either, and deleted for both', async () => {
    const db = await createPostgresTestDatabase();
    const fake = await startFakeLlm({ apiKey: FAKE_KEY });
    const replica = (id: string) => startTestApi({ fake, env: { DATABASE_URL: db.url, SWITCHBOARD_REPLICA_ID: id } });
    const a = await replica('files-a');
    const b = await replica('files-b');
    try {
      const s = await a.client.createSession({ peerId: 'replica-files' });
      const up = await a.client.uploadAttachment(s.id, PDF, 'application/pdf', 'shared.pdf');
      const res = await b.client.sendMessage(s.id, { text: 'read the shared file', model: 'llama', attachmentIds: [up.id], wait: true });
      expect(res.reply?.status).toBe('complete');
      // B read the bytes A stored (llama reads PDFs as their text).
      expect(turnRequests(fake).at(-1)!.messages.at(-1)!.content).toContain(PDF_TEXT);
      for (const api of [a, b]) expect(Buffer.from((await api.client.fetchAttachmentContent(s.id, up.id)).data).equals(PDF)).toBe(true);
      await b.client.deleteSession(s.id);
      await expectApiError(a.client.getAttachment(s.id, up.id), 404, 'SESSION_NOT_FOUND');
      expect(await rowCount(a, 'attachment_blobs', 'attachment_id = ?', [up.id])).toBe(0);
    } finally {
      await Promise.allSettled([a.close(), b.close()]);
      await fake.close();
      await db.drop();
    }
  });
});
