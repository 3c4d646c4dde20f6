import { MEMORY_TEST_DIALECTS, openMemoryTestDb } from '../../testing/memory-test-db';
import { MemoryStore } from '../../store/memory.store';
import { contentHash } from '../../text/normalise-text';
import { FTS_TABLE } from '../fts/sqlite-memory-fts';
import { SEARCH_VECTOR_COLUMN } from '../fts/postgres-memory-fts';
import { memoryMigrations } from '../memory-schema';
import { ReindexMemoryTokens1797600000000 } from './1797600000000-reindex-memory-tokens.migration';

const meta = { reason: 'TEST' };

describe.each(MEMORY_TEST_DIALECTS)('ReindexMemoryTokens migration (%s)', (dialect) => {
  it('rebuilds the hash and the search document of memories stored with the old tokens (a Japanese sentence as one token)', async () => {
    const db = await openMemoryTestDb({ dialect });
    try {
      const content = '妹の花子は図書館で働いています';
      const m = await db.store.create({ content, scope: 'global', projectId: null, category: null, tags: [], confidence: 0.9, source: 'user', sourceSessionId: null, sourceMessageId: null }, meta);
      const superseded = await db.store.create({ content: '弟は大阪に住んでいます', scope: 'global', projectId: null, category: null, tags: [], confidence: 0.9, source: 'user', sourceSessionId: null, sourceMessageId: null }, meta);
      await db.store.supersede(superseded.id, { content: '弟は京都に住んでいます', scope: 'global', projectId: null, category: null, tags: [], confidence: 0.9, source: 'user', sourceSessionId: null, sourceMessageId: null }, { scope: 'all' }, meta);
      // As the previous release stored it: the whole sentence one token, hashed as such (this migration and the later ones undone).
      for (let i = memoryMigrations.findIndex((m) => m === ReindexMemoryTokens1797600000000); i < memoryMigrations.length; i++) await db.ds.undoLastMigration();
      if (dialect === 'sqlite') {
        await db.query(`DELETE FROM "${FTS_TABLE}" WHERE rowid = ?`, [m.docId]);
        await db.query(`INSERT INTO "${FTS_TABLE}"(rowid, body) VALUES (?, ?)`, [m.docId, content]);
      } else {
        await db.query(`UPDATE "memories" SET "${SEARCH_VECTOR_COLUMN}" = array_to_tsvector(ARRAY[?]) WHERE "doc_id" = ?`, [content, m.docId]);
      }
      await db.query(`UPDATE "memories" SET "content_hash" = ? WHERE "id" = ?`, ['0000000000000000', m.id]);
      expect(await db.store.findByHash(contentHash(content), { scope: 'all' })).toEqual([]);

      await db.ds.runMigrations();
      // A new store: the running one's term statistics were read before the migration.
      const store = MemoryStore.create(db.ds, db.runner);
      expect((await store.findByHash(contentHash(content), { scope: 'all' })).map((r) => r.id)).toEqual([m.id]);
      const hits = await store.search('花子の仕事は何ですか', { scope: 'all' }, 5);
      expect(hits.map((h) => h.record.id)).toEqual([m.id]);
      // A superseded memory stays out of the index.
      expect((await store.search('大阪', { scope: 'all' }, 5)).map((h) => h.record.content)).toEqual([]);
      expect((await store.search('京都', { scope: 'all' }, 5)).map((h) => h.record.content)).toEqual(['弟は京都に住んでいます']);
    } finally {
      await db.close();
    }
  }, 60_000);
});
