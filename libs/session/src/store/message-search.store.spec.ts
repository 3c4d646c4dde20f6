import { runMigrations } from '@switchboard/persistence';
import { POSTGRES_SEARCH_CONFIG, POSTGRES_SEARCH_INDEX, postgresSearchVector, SEARCH_PENDING_INDEX, searchablePredicate, SQLITE_PENDING_WHERE } from '../db/message-search-fts';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { MessageSearchIndexer } from './message-search.indexer';
import { ftsAllWordsQuery, MessageSearchStore, parseMarkedSnippet, plainSnippet, searchWords, tsAllWordsQuery, wordSnippet } from './message-search.store';
import { MessageStore, type AppendMessageInput } from './message.store';
import { SessionStore } from './session.store';

describe('search query and snippets', () => {
  it('keeps only words, quoted, all required, the last one as a prefix while typing', () => {
    expect(searchWords('capital of "France"!')).toEqual(['capital', 'of', 'France']);
    expect(ftsAllWordsQuery('capital of Fra')).toBe('"capital" "of" "Fra"*');
    expect(ftsAllWordsQuery('capital of France ')).toBe('"capital" "of" "France"');
    expect(ftsAllWordsQuery('NEAR(a* -b) col:x')).toBe('"NEAR" "a" "b" "col" "x"*');
    expect(ftsAllWordsQuery('*** ---')).toBeNull();
    expect(searchWords('Île-de-France 東京')).toEqual(['Île', 'de', 'France', '東京']);
  });

  it('turns marked snippets into plain text and merged highlight ranges', () => {
    const s = parseMarkedSnippet('…the \u0002capital\u0003 \u0002of\u0003 \u0002France\u0003?');
    expect(s.text).toBe('…the capital of France?');
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['capital', 'of', 'France']);
    const joined = parseMarkedSnippet('\u0002a\u0003\u0002b\u0003 c');
    expect(joined).toEqual({ text: 'ab c', highlights: [[0, 2]] });
    expect(parseMarkedSnippet('<b>x</b>')).toEqual({ text: '<b>x</b>', highlights: [] });
  });

  it('builds a PostgreSQL tsquery of quoted words, all required, the last one a prefix while typing', () => {
    expect(tsAllWordsQuery('capital of Fra')).toBe("'capital' & 'of' & 'Fra':*");
    expect(tsAllWordsQuery("it's (a|b) & !c ")).toBe("'it' & 's' & 'a' & 'b' & 'c'");
    expect(tsAllWordsQuery('*** ---')).toBeNull();
  });

  it('cuts a PostgreSQL snippet like FTS5: a window around the most words, ellipses, highlights without accents or case', () => {
    const long = `${'filler '.repeat(40)}the Capital of Île-de-France is <b>Paris</b> ${'more '.repeat(40)}`;
    const s = wordSnippet(long, 'capital ile-de-FRANCE', 24);
    expect(s.text).toMatch(/^…filler .* <b>Paris<\/b> more .*more…$/);
    expect(s.text.split(/\s+/).length).toBeLessThanOrEqual(26);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['Capital', 'Île', 'de', 'France']);
    const short = wordSnippet('Un café à Montréal', 'montreal caf');
    expect(short).toEqual({ text: 'Un café à Montréal', highlights: [[3, 7], [10, 18]] });
    // A finished word is not a prefix.
    expect(wordSnippet('Un café à Montréal', 'caf ').highlights).toEqual([]);
  });

  it('builds a plain snippet around the first match when there is no index', () => {
    const long = `${'filler '.repeat(40)}the Capital of France is Paris ${'more '.repeat(40)}`;
    const s = plainSnippet(long, ['capital', 'france']);
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['Capital', 'France']);
  });
});

/** SQLite's varint (big-endian, 7 bits a byte, the high bit says more follow). */
function firstVarint(b: Buffer): number {
  let v = 0;
  for (let i = 0; i < 9; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if ((b[i] & 0x80) === 0) break;
  }
  return v;
}

describe.each(TEST_DIALECTS)('MessageSearchStore on %s', (dialect) => {
  let db: TestDatabase;
  let sessions: SessionStore;
  let messages: MessageStore;
  let search: MessageSearchStore;
  let peer = 0;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    sessions = new SessionStore(db.ds.manager);
    messages = new MessageStore(db.ds.manager);
    search = new MessageSearchStore(db.ds.manager);
  });
  afterEach(() => db.close());

  const conversation = async () => (await sessions.getOrCreate({ channel: 'web', peerId: `p${++peer}` })).session.id;
  const say = (sessionId: string, content: string, extra: Partial<AppendMessageInput> = {}) =>
    messages.append({ sessionId, role: 'user', kind: 'text', content, ...extra });
  const found = async (q: string) => (await search.search({ q, limit: 10 })).map((h) => h.messageId);

  // SQLite only: what the FTS index itself holds (MATCH answers from the index, not from messages).
  const inIndex = async (word: string): Promise<number[]> =>
    ((await db.ds.query(`SELECT rowid AS rid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid`, [word])) as Array<{ rid: number }>).map((r) => r.rid);
  const rowidOf = async (id: string): Promise<number> => ((await db.ds.query(`SELECT rowid AS rid FROM messages WHERE id = ?`, [id])) as Array<{ rid: number }>)[0].rid;
  // FTS5's own check, then the index compared token by token with a fresh index of the rows marked
  // indexed (the own check cannot see tokens left behind or a row indexed twice).
  const integrityCheck = async () => {
    await db.ds.query(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`);
    expect(await db.ds.query(`SELECT COUNT(*) AS n FROM messages WHERE search_indexed = 1 AND NOT (kind = 'text' AND role IN ('user', 'assistant') AND status <> 'streaming')`)).toEqual([{ n: 0 }]);
    await db.ds.query(`CREATE VIRTUAL TABLE temp.expected_fts USING fts5(content, tokenize='unicode61 remove_diacritics 2')`);
    await db.ds.query(`INSERT INTO temp.expected_fts(rowid, content) SELECT rowid, content FROM messages WHERE search_indexed = 1`);
    await db.ds.query(`CREATE VIRTUAL TABLE temp.actual_vocab USING fts5vocab(main, messages_fts, instance)`);
    await db.ds.query(`CREATE VIRTUAL TABLE temp.expected_vocab USING fts5vocab(temp, expected_fts, instance)`);
    try {
      const all = (t: string) => db.ds.query(`SELECT term, doc, "offset" FROM temp.${t} ORDER BY doc, "offset"`);
      expect(await all('actual_vocab')).toEqual(await all('expected_vocab'));
      const [{ n: marked }] = (await db.ds.query(`SELECT COUNT(*) AS n FROM messages WHERE search_indexed = 1`)) as Array<{ n: number }>;
      expect(await db.ds.query(`SELECT COUNT(*) AS n FROM messages_fts_docsize`)).toEqual([{ n: marked }]);
      // The document count bm25 ranks with (the averages record's first varint): a 'delete' of a row
      // the index never held, or a row indexed twice, moves it off.
      const [{ block }] = (await db.ds.query(`SELECT block FROM messages_fts_data WHERE id = 1`)) as Array<{ block: Buffer }>;
      expect(firstVarint(block)).toBe(marked);
    } finally {
      for (const t of ['actual_vocab', 'expected_vocab', 'expected_fts']) await db.ds.query(`DROP TABLE temp.${t}`);
    }
  };
  const sqliteOnly = dialect === 'sqlite' ? it : it.skip;
  const postgresOnly = dialect === 'postgres' ? it : it.skip;

  it('finds a message right after it was written: the search catches the index up first', async () => {
    const s = await conversation();
    const m = await say(s, 'What is the capital of France?');
    expect(await found('capital of France')).toEqual([m.id]);
    expect(await found('capital of Fra')).toEqual([m.id]);
    expect(await found('capital of Spain')).toEqual([]);
  });

  sqliteOnly('leaves indexing out of the write: the message waits for the indexer, then is indexed once', async () => {
    const s = await conversation();
    const m = await say(s, 'A zeppelin over the harbour');
    expect(await search.hasPendingIndex()).toBe(true);
    expect(await inIndex('zeppelin')).toEqual([]);
    expect(await search.flushIndex()).toBe(1);
    expect(await inIndex('zeppelin')).toEqual([await rowidOf(m.id)]);
    expect(await search.hasPendingIndex()).toBe(false);
    expect(await search.flushIndex()).toBe(0);
    await integrityCheck();
  });

  sqliteOnly('finds the rows waiting for the index through the small partial index, not a scan of messages', async () => {
    const plan = (await db.ds.query(`EXPLAIN QUERY PLAN SELECT rowid FROM "messages" WHERE ${SQLITE_PENDING_WHERE} ORDER BY rowid LIMIT 5`)) as Array<{ detail: string }>;
    expect(plan.map((r) => r.detail)).toEqual([`SEARCH messages USING INDEX ${SEARCH_PENDING_INDEX} (search_indexed=?)`]);
  });

  sqliteOnly('indexes in batches of the size asked, oldest first', async () => {
    const s = await conversation();
    for (let i = 0; i < 5; i++) await say(s, `walrus number ${i}`);
    expect(await search.indexPending(2)).toBe(2);
    expect(await inIndex('walrus')).toHaveLength(2);
    expect(await search.flushIndex(2)).toBe(3);
    expect(await inIndex('walrus')).toHaveLength(5);
    await integrityCheck();
  });

  sqliteOnly('purges a deleted message from the index in the deleting statement, indexed or not yet', async () => {
    const s = await conversation();
    const kept = await say(s, 'pelican one');
    const gone = await say(s, 'pelican two');
    await search.flushIndex();
    const waiting = await say(s, 'pelican three');
    expect(await inIndex('pelican')).toHaveLength(2);
    await db.ds.query(`DELETE FROM messages WHERE id IN (?, ?)`, [gone.id, waiting.id]);
    // No flush: the index itself no longer holds the tokens (secure-delete overwrote them).
    expect(await inIndex('pelican')).toEqual([await rowidOf(kept.id)]);
    expect(await inIndex('two')).toEqual([]);
    // Deleting a row the index never held told the index nothing (that would corrupt it).
    await integrityCheck();
    expect(await found('pelican')).toEqual([kept.id]);
  });

  it('forgets every message of a deleted conversation', async () => {
    const a = await conversation();
    const b = await conversation();
    await say(a, 'ostrich feathers');
    await found('ostrich');
    await say(a, 'ostrich eggs');
    const other = await say(b, 'ostrich farm');
    expect(await sessions.delete(a)).toBe(true);
    expect(await found('ostrich')).toEqual([other.id]);
    if (dialect === 'sqlite') {
      expect(await inIndex('feathers')).toEqual([]);
      await integrityCheck();
    }
  });

  it('re-indexes an edited message: the old words go at once, the new ones are found', async () => {
    const s = await conversation();
    const m = await say(s, 'The capybara sleeps');
    expect(await found('capybara')).toEqual([m.id]);
    await messages.update(m.id, { content: 'The wombat sleeps' });
    if (dialect === 'sqlite') {
      expect(await inIndex('capybara')).toEqual([]);
      expect(await search.hasPendingIndex()).toBe(true);
    }
    expect(await found('capybara')).toEqual([]);
    expect(await found('wombat')).toEqual([m.id]);
    if (dialect === 'sqlite') await integrityCheck();
  });

  it('keeps an archived (superseded) message findable with its text', async () => {
    const s = await conversation();
    const m = await say(s, 'Tell me about narwhals');
    expect(await found('narwhals')).toEqual([m.id]);
    await messages.supersedeFrom(s, m.seq, { turnId: 't2', reason: 'edit' });
    expect((await messages.get(m.id))?.status).toBe('superseded');
    expect(await found('narwhals')).toEqual([m.id]);
    if (dialect === 'sqlite') {
      expect(await inIndex('narwhals')).toEqual([await rowidOf(m.id)]);
      await integrityCheck();
    }
  });

  it('indexes a reply once it stops streaming, and never system events', async () => {
    const s = await conversation();
    const reply = await messages.append({ sessionId: s, role: 'assistant', kind: 'text', content: 'The axolotl', status: 'streaming' });
    await messages.append({ sessionId: s, role: 'system', kind: 'notice', content: 'axolotl notice' });
    await messages.update(reply.id, { content: 'The axolotl so far' });
    expect(await found('axolotl')).toEqual([]);
    await messages.update(reply.id, { content: 'The axolotl regrows limbs', status: 'complete' });
    expect(await found('axolotl regrows')).toEqual([reply.id]);
    // Interrupted again (a reply rewritten as streaming): it leaves the index.
    await messages.update(reply.id, { status: 'streaming' });
    expect(await found('axolotl')).toEqual([]);
    if (dialect === 'sqlite') await integrityCheck();
  });

  it('returns one hit per conversation, its best message, newest conversation first, with cursor paging', async () => {
    const older = await conversation();
    await say(older, 'a zebra crossing in a long sentence about many other things entirely');
    const best = await say(older, 'zebra zebra zebra');
    await db.ds.query(`UPDATE sessions SET last_activity_at = '2020-01-01T00:00:00.000Z' WHERE id = ${dialect === 'sqlite' ? '?' : '$1'}`, [older]);
    const newer = await conversation();
    const other = await say(newer, 'one zebra');
    const hits = await search.search({ q: 'zebra', limit: 10 });
    expect(hits.map((h) => [h.sessionId, h.messageId])).toEqual([
      [newer, other.id],
      [older, best.id],
    ]);
    const next = await search.search({ q: 'zebra', limit: 10, before: { lastActivityAt: hits[0].lastActivityAt, id: hits[0].sessionId } });
    expect(next.map((h) => h.sessionId)).toEqual([older]);
  });

  it('snippets: plain text, highlight ranges on the words (accents and case folded), an ellipsis where text was cut', async () => {
    const s = await conversation();
    const long = `${'filler words here '.repeat(20)}the Capital of France is Paris, <b>famous</b> ${'and more after that '.repeat(20)}`;
    await say(s, long);
    const [hit] = await search.search({ q: 'capital of france', limit: 5 });
    const { text, highlights } = hit.snippet;
    expect(highlights.map(([a, b]) => text.slice(a, b))).toEqual(['Capital', 'of', 'France']);
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThan(long.length / 2);
    expect(long).toContain(text.slice(1, -1).trim());

    const cafe = await say(await conversation(), 'Un café à Montréal');
    const [accented] = await search.search({ q: 'MONTREAL cafe', limit: 5 });
    expect(accented.messageId).toBe(cafe.id);
    expect(accented.snippet.text).toBe('Un café à Montréal');
    expect(accented.snippet.highlights.map(([a, b]) => accented.snippet.text.slice(a, b))).toEqual(['café', 'Montréal']);
    // Query syntax is just words.
    expect(await found(`"capital" NEAR(* -France' & | !`)).toEqual([]);
    expect(await found('***')).toEqual([]);
  });

  postgresOnly('answers from the GIN index over the tsvector', async () => {
    const s = await conversation();
    await say(s, 'a quokka smiles');
    const plan = await db.ds.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      return (await m.query(
        `EXPLAIN SELECT id FROM messages m WHERE ${postgresSearchVector('m')} @@ to_tsquery('${POSTGRES_SEARCH_CONFIG}', 'quokka') AND ${searchablePredicate('m')}`,
      )) as Array<{ 'QUERY PLAN': string }>;
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain(POSTGRES_SEARCH_INDEX);
  });

  sqliteOnly('runs the indexer in the background shortly after writes, and stops it', async () => {
    const indexer = MessageSearchIndexer.start(search, { intervalMs: 20 })!;
    try {
      const s = await conversation();
      const m = await say(s, 'a lemur at night');
      const deadline = Date.now() + 5000;
      while ((await inIndex('lemur')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(await inIndex('lemur')).toEqual([await rowidOf(m.id)]);
      expect(indexer.indexed).toBe(1);
    } finally {
      await indexer.stop();
    }
    await say(await conversation(), 'a lemur by day');
    await new Promise((r) => setTimeout(r, 80));
    expect(await search.hasPendingIndex()).toBe(true);
    await integrityCheck();
  });

  postgresOnly('needs no indexer: the database keeps its own index', () => {
    expect(MessageSearchIndexer.start(search)).toBeNull();
  });
});

describe.each(TEST_DIALECTS)('AddMessageSearchIndexing on %s', (dialect) => {
  let db: TestDatabase;
  beforeEach(async () => (db = await openTestDatabase({ dialect })));
  afterEach(() => db.close());

  const last = async () => ((await db.ds.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`)) as Array<{ name: string }>)[0].name;
  // Back to just before this migration (undoing any later ones too).
  const undoThis = async () => {
    for (;;) {
      const name = await last();
      await db.ds.undoLastMigration();
      if (name === 'AddMessageSearchIndexing1797400000000') return;
    }
  };
  // `?` placeholders, numbered for PostgreSQL.
  const q = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.ds.query(dialect === 'sqlite' ? sql : sql.replace(/\?/g, () => `$${++n}`), params);
  };

  it('moves an existing install over and back: what was indexed is marked, nothing is lost or indexed twice', async () => {
    await undoThis();
    await q(`INSERT INTO sessions (id, channel, peer_id, status, version, created_at, updated_at, last_activity_at) VALUES ('s', 'web', 'w', 'idle', 1, 'x', 'x', 'x')`);
    const add = (id: string, seq: number, role: string, kind: string, status: string, content: string) =>
      q(`INSERT INTO messages (id, session_id, seq, role, kind, content, parts, status, warnings, created_at) VALUES (?, 's', ?, ?, ?, ?, '[]', ?, '[]', 'x')`, [
        id, seq, role, kind, content, status,
      ]);
    await add('old', 1, 'user', 'text', 'complete', 'the old heron');
    await add('live', 2, 'assistant', 'text', 'streaming', 'heron so far');
    await add('evt', 3, 'system', 'notice', 'complete', 'heron notice');
    await runMigrations(db.ds);
    const store = new MessageSearchStore(db.ds.manager);
    if (dialect === 'sqlite') {
      expect(await db.ds.query(`SELECT id, search_indexed AS f FROM messages ORDER BY seq`)).toEqual([
        { id: 'old', f: 1 },
        { id: 'live', f: 0 },
        { id: 'evt', f: 0 },
      ]);
      // Already indexed by the old triggers: nothing to index again.
      expect(await store.flushIndex()).toBe(0);
      await db.ds.query(`DELETE FROM messages WHERE id = 'old'`);
      expect(await db.ds.query(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'heron'`)).toEqual([]);
      await db.ds.query(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`);
    }
    expect((await store.search({ q: 'heron', limit: 5 })).map((h) => h.messageId)).toEqual(dialect === 'sqlite' ? [] : ['old']);

    // Down: what was waiting is indexed, and the old triggers keep the index again.
    await q(`UPDATE messages SET status = 'complete' WHERE id = 'live'`);
    await undoThis();
    if (dialect === 'sqlite') {
      expect(await db.ds.query(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'heron'`)).toEqual(await db.ds.query(`SELECT rowid FROM messages WHERE id = 'live'`));
      expect(await db.ds.query(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)).toEqual([
        { name: 'messages_fts_ad' },
        { name: 'messages_fts_ai' },
        { name: 'messages_fts_au' },
      ]);
      // Every searchable row is indexed again: FTS5 can check the index against the table itself.
      await db.ds.query(`DELETE FROM messages WHERE id = 'evt'`);
      await db.ds.query(`INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)`);
    } else {
      expect(await q(`SELECT cfgname FROM pg_ts_config WHERE cfgname = '${POSTGRES_SEARCH_CONFIG}'`)).toEqual([]);
      expect(await q(`SELECT indexname FROM pg_indexes WHERE indexname = '${POSTGRES_SEARCH_INDEX}'`)).toEqual([]);
    }
    const cols = dialect === 'sqlite' ? await q(`PRAGMA table_info(messages)`) : await q(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'messages'`);
    expect((cols as Array<{ name: string }>).map((c) => c.name)).not.toContain('search_indexed');
    await runMigrations(db.ds);
    expect((await new MessageSearchStore(db.ds.manager).search({ q: 'heron', limit: 5 })).map((h) => h.messageId)).toEqual(['live']);
  });
});
