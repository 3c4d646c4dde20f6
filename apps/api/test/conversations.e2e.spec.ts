import { SwitchboardApiError, type ConversationArchive, type Session } from '@switchboard/protocol';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AUTH_HEADERS, itSqlite, JSON_AUTH_HEADERS, rawRequest, startTestApi, type TestApi } from './harness';

async function errorOf(p: Promise<unknown>): Promise<SwitchboardApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SwitchboardApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('conversations: manage, search, export and import (real API, SQLite, fake LLM)', () => {
  let t: TestApi;
  beforeAll(async () => (t = await startTestApi()));
  afterAll(() => t.close());

  const say = async (text: string, title?: string): Promise<Session> => {
    const s = await t.client.createSession({ channel: 'web', ...(title ? { title } : {}) });
    await t.client.sendMessage(s.id, { text, wait: true });
    return t.client.getSession(s.id);
  };

  it('renames, archives and pins a session; the list hides archived ones unless asked', async () => {
    const s = await t.client.createSession({ channel: 'web', title: 'Before' });
    expect(s).toMatchObject({ archived: false, pinned: false });
    const watcher = await t.socket();
    const events: string[] = [];
    watcher.on('session.updated', (e) => e.session.id === s.id && events.push(e.kind));
    await watcher.call('watch.subscribe', { sessionId: s.id });

    const renamed = await t.client.updateSession(s.id, { title: '  Trip to Lisbon  ' });
    expect(renamed.title).toBe('Trip to Lisbon');
    expect(renamed.version).toBeGreaterThan(s.version);
    const archived = await t.client.updateSession(s.id, { archived: true, pinned: true });
    expect(archived).toMatchObject({ archived: true, pinned: true, title: 'Trip to Lisbon' });

    const ids = async (archivedQ?: 'true' | 'false' | 'all') => (await t.client.listSessions(archivedQ ? { archived: archivedQ } : {})).sessions.map((x) => x.id);
    expect(await ids()).not.toContain(s.id);
    expect(await ids('false')).not.toContain(s.id);
    expect(await ids('true')).toEqual([s.id]);
    expect(await ids('all')).toContain(s.id);

    await t.client.updateSession(s.id, { archived: false });
    expect(await ids()).toContain(s.id);
    // Whether doors that hide reasoning (Telegram) send it: a setting of the conversation (/reasoning on|off).
    expect(archived.showReasoning).toBe(false);
    expect(await t.client.updateSession(s.id, { showReasoning: true })).toMatchObject({ showReasoning: true, title: 'Trip to Lisbon' });
    expect((await t.client.getSession(s.id)).showReasoning).toBe(true);
    // Unchanged: no event.
    await t.client.updateSession(s.id, { showReasoning: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(['title_change', 'archive_change', 'pin_change', 'archive_change', 'reasoning_change']);
  });

  it('refuses bad updates with a 400 or 404 and changes nothing', async () => {
    const s = await t.client.createSession({ channel: 'web', title: 'Keep' });
    for (const body of [{}, { title: '   ' }, { title: 'x'.repeat(201) }, { archived: 'yes' }, { pinned: true, extra: 1 }, { showReasoning: 'on' }]) {
      const res = await rawRequest(t.api.url, 'PATCH', `/api/v1/sessions/${s.id}`, { headers: JSON_AUTH_HEADERS, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(res.json.error?.code).toBe('VALIDATION_FAILED');
    }
    expect((await errorOf(t.client.updateSession('nope', { title: 'x' }))).code).toBe('SESSION_NOT_FOUND');
    expect(await t.client.getSession(s.id)).toMatchObject({ title: 'Keep', version: s.version, archived: false, pinned: false });
  });

  it('archives, unarchives and deletes in bulk with one result per id; deleting goes through the one delete', async () => {
    const a = await say('bulk alpha message');
    const b = await say('bulk beta message');
    const archived = await t.client.bulkSessions('archive', [a.id, b.id, 'missing']);
    expect(archived.results.map((r) => [r.id, r.ok, r.session?.archived ?? r.error?.code])).toEqual([
      [a.id, true, true],
      [b.id, true, true],
      ['missing', false, 'SESSION_NOT_FOUND'],
    ]);
    const back = await t.client.bulkSessions('unarchive', [a.id]);
    expect(back.results[0].session?.archived).toBe(false);

    const deleted = await t.client.bulkSessions('delete', [a.id, b.id]);
    expect(deleted.results.every((r) => r.ok)).toBe(true);
    expect((await errorOf(t.client.getSession(a.id))).code).toBe('SESSION_NOT_FOUND');
    expect((await t.client.search({ q: 'bulk' })).results).toEqual([]);

    for (const body of [{ action: 'archive', ids: [] }, { action: 'burn', ids: ['x'] }, { action: 'delete', ids: Array.from({ length: 201 }, (_, i) => `s${i}`) }]) {
      const res = await rawRequest(t.api.url, 'POST', '/api/v1/sessions/bulk', { headers: JSON_AUTH_HEADERS, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
    }
  });

  it('finds message text (not only titles) with highlighted plain-text snippets, newest first', async () => {
    const france = await say('What is the capital of France?', 'Geography');
    const other = await say('Tell me about <b>bold</b> markup and the capital letters', 'Typography');
    const res = await t.client.search({ q: 'capital of France' });
    expect(res.results.map((r) => r.session.id)).toEqual([france.id]);
    const hit = res.results[0];
    expect(hit.role).toBe('user');
    const marked = hit.snippet.highlights.map(([a, b]) => hit.snippet.text.slice(a, b));
    expect(marked.join(' ').toLowerCase()).toContain('france');
    expect(marked.join(' ').toLowerCase()).toContain('capital');
    const messages = (await t.client.listMessages(france.id)).messages;
    expect(messages.find((m) => m.id === hit.messageId)?.seq).toBe(hit.seq);

    // Both conversations say "capital": newest activity first; the HTML stays text.
    const both = await t.client.search({ q: 'capital' });
    expect(both.results.map((r) => r.session.id).slice(0, 2)).toEqual([other.id, france.id]);
    expect(both.results[0].snippet.text).toContain('<b>bold</b>');

    // The last word matches as a prefix while typing; diacritics and case do not matter.
    expect((await t.client.search({ q: 'capital of Fra' })).results.map((r) => r.session.id)).toEqual([france.id]);
    await say('Un café à Montréal', 'Café');
    expect((await t.client.search({ q: 'MONTREAL cafe' })).results).toHaveLength(1);
    // Query syntax is not FTS syntax: quotes, stars and NEAR are just words (or nothing).
    expect((await t.client.search({ q: '"capital" NEAR(* -France' })).results.length).toBeGreaterThanOrEqual(0);
    expect((await t.client.search({ q: '***' })).results).toEqual([]);
    const bad = await rawRequest(t.api.url, 'GET', '/api/v1/search?q=', { headers: AUTH_HEADERS });
    expect(bad.status).toBe(400);
  });

  it('pages with a cursor, and forgets deleted conversations', async () => {
    const made: Session[] = [];
    for (let i = 0; i < 5; i++) made.push(await say(`zebra crossing number ${i}`));
    const page1 = await t.client.search({ q: 'zebra', limit: 2 });
    expect(page1.results.map((r) => r.session.id)).toEqual([made[4].id, made[3].id]);
    const page2 = await t.client.search({ q: 'zebra', limit: 2, before: page1.nextCursor! });
    expect(page2.results.map((r) => r.session.id)).toEqual([made[2].id, made[1].id]);
    const page3 = await t.client.search({ q: 'zebra', limit: 2, before: page2.nextCursor! });
    expect(page3.results.map((r) => r.session.id)).toEqual([made[0].id]);
    expect(page3.nextCursor).toBeNull();
    const badCursor = await rawRequest(t.api.url, 'GET', '/api/v1/search?q=zebra&before=garbage', { headers: AUTH_HEADERS });
    expect(badCursor.status).toBe(400);

    await t.client.deleteSession(made[4].id);
    await t.client.resetSession(made[3].id);
    expect((await t.client.search({ q: 'zebra' })).results.map((r) => r.session.id)).toEqual([made[2].id, made[1].id, made[0].id]);
  });

  it('finds an edited message by its new text, the archived original by its old text, as soon as the edit is made', async () => {
    const s = await say('Where do puffins nest?');
    const original = (await t.client.listMessages(s.id)).messages.find((m) => m.role === 'user')!;
    const edit = await t.client.editMessage(s.id, original.id, { text: 'Where do gannets nest?', wait: true });
    const found = async (q: string) => (await t.client.search({ q })).results.map((r) => [r.session.id, r.messageId]);
    expect(await found('gannets')).toEqual([[s.id, edit.message.id]]);
    // The original stays in the history (superseded) and stays findable, once per conversation.
    expect(edit.archivedMessageIds).toContain(original.id);
    expect((await found('puffins')).map(([id]) => id)).toEqual([s.id]);
  });

  itSqlite('indexes in the background shortly after a turn, before anyone searches', async () => {
    const s = await say('A marmoset climbs');
    const db = new Database(join(t.dataDir, 'switchboard.sqlite'), { readonly: true });
    try {
      const pending = () =>
        (db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE session_id = ? AND search_indexed = 0 AND kind = 'text' AND role IN ('user', 'assistant') AND status <> 'streaming'`).get(s.id) as { n: number }).n;
      const deadline = Date.now() + 5000;
      while (pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(pending()).toBe(0);
      expect(db.prepare(`SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH 'marmoset'`).get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });

  it('exports one conversation as Markdown and as JSON, as downloads', async () => {
    const s = await say('Plan a picnic in Paris', 'Picnic plans');
    const md = await rawRequest(t.api.url, 'GET', `/api/v1/sessions/${s.id}/export?format=markdown`, { headers: AUTH_HEADERS });
    expect(md.status).toBe(200);
    expect(md.text).toMatch(/^# Picnic plans\n/);
    expect(md.text).toContain('Plan a picnic in Paris');
    expect(md.text).toMatch(/\*\*Assistant\*\* · .+ \(.+\)/);
    expect(md.text).toContain('Echo: Plan a picnic in Paris');

    const res = await fetch(`${t.api.url}/api/v1/sessions/${s.id}/export?format=json`, { headers: AUTH_HEADERS });
    expect(res.headers.get('content-disposition')).toContain('filename="picnic-plans.json"');
    const json = (await res.json()) as { session: Session; messages: Array<{ role: string; modelLabel: string | null; usage: unknown }>; settings: object };
    expect(json.session.id).toBe(s.id);
    const reply = json.messages.find((m) => m.role === 'assistant')!;
    expect(reply.modelLabel).toBeTruthy();
    expect(reply.usage).toBeTruthy();
    expect(json.settings).toEqual({});

    const mdRes = await fetch(`${t.api.url}/api/v1/sessions/${s.id}/export`, { headers: AUTH_HEADERS });
    expect(mdRes.headers.get('content-type')).toContain('text/markdown');
    expect(mdRes.headers.get('content-disposition')).toContain('picnic-plans.md');
    expect((await rawRequest(t.api.url, 'GET', `/api/v1/sessions/${s.id}/export?format=pdf`, { headers: AUTH_HEADERS })).status).toBe(400);
    expect((await rawRequest(t.api.url, 'GET', `/api/v1/sessions/nope/export`, { headers: AUTH_HEADERS })).status).toBe(404);
  });

  it('exports everything and imports it into a fresh install: searchable, idempotent, taken peers suffixed', async () => {
    const s = await say('The capital of Portugal is Lisbon', 'Portugal');
    await t.client.setSessionModel(s.id, 'quick');
    await t.client.updateSession(s.id, { pinned: true });
    const archive = await t.client.exportAll();
    expect(archive).toMatchObject({ kind: 'switchboard.archive', version: 1 });
    expect(archive.sessions.length).toBeGreaterThan(3);

    const fresh = await startTestApi();
    try {
      // A conversation on the new install already uses one of the archive's peer ids.
      const taken = archive.sessions.find((x) => x.session.id === s.id)!.session;
      const local = await fresh.client.createSession({ channel: taken.channel, peerId: taken.peerId, title: 'Local' });
      const first = await fresh.client.importArchive(archive);
      expect(first.imported).toBe(archive.sessions.length);
      expect(first.skipped).toBe(0);
      expect(first.renamed).toEqual([{ sessionId: s.id, channel: taken.channel, from: taken.peerId, to: `${taken.peerId}~imported` }]);
      const copy = await fresh.client.getSession(s.id);
      expect(copy).toMatchObject({ title: 'Portugal', pinned: true, modelOverride: 'quick', peerId: `${taken.peerId}~imported` });
      expect((await fresh.client.getSession(local.id)).title).toBe('Local');
      const history = (await fresh.client.listMessages(s.id)).messages;
      expect(history.map((m) => [m.seq, m.role, m.content])).toEqual(
        (await t.client.listMessages(s.id)).messages.map((m) => [m.seq, m.role, m.content]),
      );
      expect((await fresh.client.search({ q: 'capital of Portugal' })).results.map((r) => r.session.id)).toEqual([s.id]);

      const again = await fresh.client.importArchive(archive);
      expect(again).toMatchObject({ imported: 0, skipped: archive.sessions.length, messages: 0 });
      expect((await fresh.client.listSessions({ archived: 'all', limit: 500 })).sessions).toHaveLength(archive.sessions.length + 1);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a bad archive with a 400 and imports none of it', async () => {
    const archive = await t.client.exportAll();
    const fresh = await startTestApi();
    try {
      const post = (body: unknown) => rawRequest(fresh.api.url, 'POST', '/api/v1/import', { headers: JSON_AUTH_HEADERS, body: JSON.stringify(body) });
      expect((await post({ ...archive, version: 2 })).status).toBe(400);
      expect((await post({ sessions: [] })).status).toBe(400);
      expect((await post({ ...archive, sessions: [{ session: { id: 'x' } }] })).status).toBe(400);
      // Valid shape, but the last conversation repeats a seq: nothing of the archive is written.
      const broken: ConversationArchive = structuredClone(archive);
      const last = broken.sessions[broken.sessions.length - 1];
      last.messages.push({ ...last.messages[0] });
      const res = await post(broken);
      expect(res.status).toBe(400);
      expect(res.json.error?.code).toBe('VALIDATION_FAILED');
      expect((await fresh.client.listSessions({ archived: 'all' })).sessions).toEqual([]);
      // Over the ordinary 1 MiB body limit, under the import's own.
      const big = structuredClone(archive);
      big.sessions.find((x) => x.messages.length > 0)!.messages[0].content = 'x'.repeat(1_500_000);
      const ok = await post(big);
      expect(ok.status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
