import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { memoryEntities, memoryMigrations } from '../memory-schema';
import { AddMemoryHistoryActor1797000000000 } from './1797000000000-add-memory-history-actor.migration';

// The migrations up to this one, so it is the last whatever comes after it.
const upToThis = memoryMigrations.slice(0, memoryMigrations.indexOf(AddMemoryHistoryActor1797000000000) + 1);

describe('AddMemoryHistoryActor migration', () => {
  it('adds memory_history.actor_id (old rows keep NULL) and takes it away again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-memory-actor-'));
    const ds = new DataSource({ type: 'better-sqlite3', database: join(dir, 'db.sqlite'), entities: memoryEntities, migrations: upToThis, synchronize: false });
    try {
      await ds.initialize();
      const columns = async () => ((await ds.query(`PRAGMA table_info("memory_history")`)) as Array<{ name: string }>).map((c) => c.name);
      // Up to the previous migration, with a history row written as the previous release wrote it.
      await ds.runMigrations();
      await ds.undoLastMigration();
      expect(await columns()).not.toContain('actor_id');
      await ds.query(`INSERT INTO "memory_history" ("id", "memory_id", "action", "content", "reason", "session_id", "created_at") VALUES ('h1', 'm1', 'updated', 'x', 'USER_EDIT', NULL, '2026-01-01T00:00:00.000Z')`);

      await ds.runMigrations();
      expect(await columns()).toContain('actor_id');
      expect(await ds.query(`SELECT "actor_id" FROM "memory_history" WHERE "id" = 'h1'`)).toEqual([{ actor_id: null }]);

      await ds.undoLastMigration();
      expect(await columns()).not.toContain('actor_id');
      expect(await ds.query(`SELECT "reason" FROM "memory_history" WHERE "id" = 'h1'`)).toEqual([{ reason: 'USER_EDIT' }]);
    } finally {
      await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
