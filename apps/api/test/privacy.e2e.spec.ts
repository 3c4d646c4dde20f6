import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { describeSqlite, rawRequest, startTestApi, JSON_AUTH_HEADERS } from './harness';

const auth = JSON_AUTH_HEADERS;

/** Every byte the data directory holds on disk (database, WAL), as text to search. */
function bytesOnDisk(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.startsWith('switchboard.sqlite'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

// The bytes of the SQLite file and its WAL (on PostgreSQL a delete is checked through the API, and memory search by its own tests).
describeSqlite('deleted data leaves the disk (e2e)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-privacy-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a hard-deleted memory and a deleted conversation are not left in the database file', async () => {
    const t = await startTestApi({ dataDir });
    const memoryMarker = 'Quetzalmarker memory about the blue heron';
    const chatMarker = 'Zanzibarmarker conversation about tides';
    const kept = 'Keptmarker conversation that stays';
    try {
      const saved = await rawRequest(t.api.url, 'POST', '/api/v1/memories', { body: JSON.stringify({ content: `User watches ${memoryMarker}` }), headers: auth });
      expect(saved.status).toBe(201);
      const memoryId = (saved.json as { memory: { id: string } }).memory.id;

      const gone = await t.client.createSession({ channel: 'api', peerId: 'privacy-gone' });
      await t.client.sendMessage(gone.id, { text: chatMarker, wait: true });
      const stays = await t.client.createSession({ channel: 'api', peerId: 'privacy-stays' });
      await t.client.sendMessage(stays.id, { text: kept, wait: true });

      // Before the deletes, both are on disk (in the database file or its write-ahead log).
      expect(bytesOnDisk(dataDir)).toContain('Quetzalmarker');
      expect(bytesOnDisk(dataDir)).toContain('Zanzibarmarker');

      expect((await rawRequest(t.api.url, 'DELETE', `/api/v1/memories/${memoryId}`, { headers: auth })).status).toBe(200);
      expect((await rawRequest(t.api.url, 'DELETE', `/api/v1/sessions/${gone.id}`, { headers: auth })).status).toBe(200);

      // While the API runs: neither in the database file nor in the write-ahead log.
      const running = bytesOnDisk(dataDir);
      expect(running).toContain('Keptmarker');
      expect(running).not.toContain('Quetzalmarker');
      expect(running).not.toContain('Zanzibarmarker');
    } finally {
      await t.close();
    }
    const stopped = bytesOnDisk(dataDir);
    expect(stopped).toContain('Keptmarker');
    expect(stopped).not.toContain('Quetzalmarker');
    expect(stopped).not.toContain('Zanzibarmarker');
  });

  it('a delete stands while another process holds a read open on the file; the old pages go with the next delete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-privacy-reader-'));
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const t = await startTestApi({ dataDir: dir, logger });
    const reader = new Database(join(dir, 'switchboard.sqlite'));
    try {
      const first = await t.client.createSession({ channel: 'api', peerId: 'reader-first' });
      await t.client.sendMessage(first.id, { text: 'Oubliettemarker held by a reader', wait: true });
      // Another process (a backup, the sqlite3 shell) reads from a snapshot that includes the log.
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM "sessions"').get();

      const deleted = await rawRequest(t.api.url, 'DELETE', `/api/v1/sessions/${first.id}`, { headers: auth });
      expect(deleted.status).toBe(200);
      expect((await rawRequest(t.api.url, 'GET', `/api/v1/sessions/${first.id}`, { headers: auth })).status).toBe(404);
      // The log could not be emptied under the reader: the operator is told.
      expect(bytesOnDisk(dir)).toContain('Oubliettemarker');
      expect(lines.some((l) => l.includes('the write-ahead log still holds old copies'))).toBe(true);

      reader.exec('COMMIT');
      const second = await t.client.createSession({ channel: 'api', peerId: 'reader-second' });
      await t.client.sendMessage(second.id, { text: 'Palimpsestmarker after the reader', wait: true });
      expect((await rawRequest(t.api.url, 'DELETE', `/api/v1/sessions/${second.id}`, { headers: auth })).status).toBe(200);
      const running = bytesOnDisk(dir);
      expect(running).not.toContain('Oubliettemarker');
      expect(running).not.toContain('Palimpsestmarker');
    } finally {
      reader.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
