import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * What migrate-db needs from the persistence layer and the schema (the union of the libs'
 * entities and migrations). The launcher (tools/scripts/switchboard.mjs) builds it from the
 * libs' builds: the tools project cannot import the domain libs, whose test helpers import tools.
 */
export interface DatabaseKit {
  /** A DataSource (not initialised) on the SQLite file, with the app's pragmas and the whole schema. */
  openSqlite(file: string): DataSource;
  /** A DataSource (not initialised) on the PostgreSQL database, with the whole schema. */
  openPostgres(url: string): DataSource;
  /** Opens a DataSource; a failure is one line naming `describe` (never a password). */
  initialize(ds: DataSource, describe: string): Promise<DataSource>;
  /** Applies pending migrations; returns their names. */
  migrate(ds: DataSource): Promise<string[]>;
  /** Throws an Error with a clear message when the URL is not a usable PostgreSQL URL. */
  checkUrl(url: string): void;
  /** The URL with its password replaced by `***`. */
  redact(url: string): string;
  /** The better-sqlite3 connection behind a SQLite DataSource. */
  sqliteConnection(ds: DataSource): Database | null;
}

/** The SQLite file in the data directory (the API's DATABASE_FILE). */
export const SQLITE_FILE = 'switchboard.sqlite';
/** TypeORM's bookkeeping: each database keeps its own. */
const MIGRATIONS_TABLE = 'migrations';
// PostgreSQL takes at most 65,535 parameters per statement; rows per INSERT stay well under it.
const MAX_PARAMS = 30_000;
const MAX_BATCH_ROWS = 500;
/** Bytes of binary values (attachment files) one INSERT carries at most (a file over it goes alone). */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

export const MIGRATE_EXIT = { OK: 0, FAILED: 1, UNREACHABLE: 3 } as const;

export interface MigrateDbOptions {
  dataDir: string;
  /** postgres://… of the target database. */
  to: string;
  kit: DatabaseKit;
  out: (line: string) => void;
}

interface PgColumn {
  name: string;
  type: string;
  generated: boolean;
  required: boolean;
  identityAlways: boolean;
  sequence: boolean;
}

interface TablePlan {
  name: string;
  columns: PgColumn[];
}

/** A refusal or failure with the message the operator reads. */
class MigrateDbError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = MIGRATE_EXIT.FAILED,
  ) {
    super(message);
  }
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies the SQLite database of a data directory into an empty PostgreSQL database: migrates
 * both to the current schema, then copies every table both have (FTS and bookkeeping tables
 * aside) in foreign-key order, in one PostgreSQL transaction, in batches, and checks the row
 * count of each table before committing. Returns the exit code.
 */
export async function migrateDb(options: MigrateDbOptions): Promise<number> {
  const { kit, to, dataDir } = options;
  const secrets = passwordsOf(to);
  // Nothing this command prints carries the password, whatever error text it relays.
  const out = (line: string) => options.out(secrets.reduce((text, secret) => text.split(secret).join('***'), line));
  let sqlite: DataSource | null = null;
  let pg: DataSource | null = null;
  let copying = false;
  try {
    try {
      kit.checkUrl(to);
    } catch (err) {
      throw new MigrateDbError(`--to: ${(err as Error).message.replace(/^DATABASE_URL/, 'the URL')}`);
    }
    const target = kit.redact(to);
    const file = join(dataDir, SQLITE_FILE);
    if (!existsSync(file)) {
      throw new MigrateDbError(`No Switchboard database in ${dataDir} (looked for ${SQLITE_FILE}). Pass --data-dir, or set SWITCHBOARD_DATA_DIR, to the API's data directory.`);
    }

    pg = await open(kit, kit.openPostgres(to), target, MIGRATE_EXIT.UNREACHABLE);
    // Refused before anything is changed, on either side.
    const seeds = await seededKeys(kit);
    const occupied = await occupiedTables(pg, seeds);
    if (occupied.length) throw notEmpty(target, occupied);

    sqlite = await open(kit, kit.openSqlite(file), file, MIGRATE_EXIT.FAILED);
    out(`Source: ${file}`);
    out(`Target: ${target}`);
    const sqliteApplied = await kit.migrate(sqlite);
    out(sqliteApplied.length ? `Brought the SQLite file up to date: ${sqliteApplied.length} migration(s) applied.` : 'The SQLite file is up to date.');
    const pgApplied = await kit.migrate(pg);
    out(pgApplied.length ? `Created the schema on PostgreSQL: ${pgApplied.length} migration(s) applied.` : "PostgreSQL's schema is up to date.");

    const raw = kit.sqliteConnection(sqlite);
    if (!raw) throw new MigrateDbError('The source is not a SQLite database.');
    await sameMigrations(raw, pg);

    const plan = await planTables(raw, pg);
    copying = true;
    const counts = await copyAll(raw, pg, plan, seeds, target);

    out('');
    out('Rows copied (and counted on both sides):');
    const width = Math.max(...plan.tables.map((t) => t.name.length), 5) + 2;
    for (const name of plan.tables.map((t) => t.name).sort()) out(`  ${name.padEnd(width)}${String(counts.get(name) ?? 0).padStart(8)}`);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    out(`  ${'total'.padEnd(width)}${String(total).padStart(8)}  (${plan.tables.length} tables)`);
    for (const t of plan.sqliteOnly) out(`Not copied (no such table on PostgreSQL): ${t.name} (${t.rows} rows)`);
    out('');
    out(`Done. Start the API with DATABASE_URL=${target} (the password in place of ***), keeping the data directory: it holds the API token.`);
    out('The SQLite file is left as it was (migrated to the current schema); keep it as a backup.');
    return MIGRATE_EXIT.OK;
  } catch (err) {
    if (err instanceof MigrateDbError) {
      out(err.message);
      return err.exitCode;
    }
    out(`migrate-db failed: ${(err as Error).message}`);
    if (copying) out('The copy was rolled back: the PostgreSQL database holds the schema but none of the rows, so migrate-db can run again once the cause is fixed.');
    return MIGRATE_EXIT.FAILED;
  } finally {
    if (sqlite?.isInitialized) await sqlite.destroy().catch(() => undefined);
    if (pg?.isInitialized) await pg.destroy().catch(() => undefined);
  }
}

/** The URL's password as written and decoded; a very short one is left alone (masking every "p" would garble the output). */
function passwordsOf(url: string): string[] {
  try {
    const written = new URL(url).password;
    return [...new Set([written, decodeURIComponent(written)])].filter((p) => p.length >= 4);
  } catch {
    return [];
  }
}

async function open(kit: DatabaseKit, ds: DataSource, describe: string, exitCode: number): Promise<DataSource> {
  try {
    return await kit.initialize(ds, describe);
  } catch (err) {
    throw new MigrateDbError((err as Error).message, exitCode);
  }
}

function notEmpty(target: string, occupied: Array<{ table: string; rows: number }>): MigrateDbError {
  const list = occupied.map((o) => `${o.table} (${o.rows} rows)`).join(', ');
  return new MigrateDbError(
    `Refused: the target database ${target} is not empty: ${list}. migrate-db only copies into an empty database, so nothing is overwritten or merged; create a new one (e.g. createdb switchboard) and pass its URL. Nothing was changed.`,
  );
}

/**
 * Primary keys of the rows the migrations themselves insert (the owner person), by table: a
 * database holding only those is still empty. Read from a fresh in-memory SQLite database.
 */
async function seededKeys(kit: DatabaseKit): Promise<Map<string, Set<string>>> {
  const ds = await kit.initialize(kit.openSqlite(':memory:'), 'an in-memory SQLite database');
  try {
    await kit.migrate(ds);
    const raw = kit.sqliteConnection(ds)!;
    const seeds = new Map<string, Set<string>>();
    for (const table of sqliteTables(raw)) {
      if (table === MIGRATIONS_TABLE) continue;
      const pk = (raw.prepare(`PRAGMA table_info(${q(table)})`).all() as Array<{ name: string; pk: number }>).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      if (pk.length === 0) continue;
      const rows = raw.prepare(`SELECT ${pk.map((c) => q(c.name)).join(', ')} FROM ${q(table)}`).raw(true).all() as unknown[][];
      if (rows.length) seeds.set(table, new Set(rows.map(keyOf)));
    }
    return seeds;
  } finally {
    await ds.destroy();
  }
}

const keyOf = (values: unknown[]) => JSON.stringify(values.map((v) => (v === null ? null : String(v))));

/** Our tables on PostgreSQL that hold rows other than the migrations' seeds (none: the target is empty). */
async function occupiedTables(db: QueryRunner | DataSource, seeds: Map<string, Set<string>>): Promise<Array<{ table: string; rows: number }>> {
  const occupied: Array<{ table: string; rows: number }> = [];
  for (const table of await pgTables(db)) {
    if (table === MIGRATIONS_TABLE) continue;
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM ${q(table)}`)) as Array<{ n: number }>;
    if (n === 0) continue;
    const seeded = seeds.get(table);
    const pk = await pgPrimaryKey(db, table);
    if (seeded && pk.length && n <= seeded.size) {
      const rows = (await db.query(`SELECT ${pk.map(q).join(', ')} FROM ${q(table)}`)) as Array<Record<string, unknown>>;
      if (rows.every((r) => seeded.has(keyOf(pk.map((c) => r[c]))))) continue;
    }
    occupied.push({ table, rows: n });
  }
  return occupied;
}

async function pgTables(runner: QueryRunner | DataSource): Promise<string[]> {
  const rows = (await runner.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )) as Array<{ table_name: string }>;
  return rows.map((r) => r.table_name);
}

async function pgPrimaryKey(runner: QueryRunner | DataSource, table: string): Promise<string[]> {
  const rows = (await runner.query(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    [q(table)],
  )) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

/**
 * Ordinary tables of a SQLite database (not virtual tables such as FTS5's or sqlite-vec's, their
 * shadow tables, or SQLite's own). A shadow table shows as an ordinary one when its module is not
 * loaded here (sqlite-vec's), so a table named after a virtual table (`<name>_...`) counts as its shadow.
 */
function sqliteTables(raw: Database): string[] {
  const rows = raw.prepare(`PRAGMA main.table_list`).all() as Array<{ name: string; type: string }>;
  const virtual = rows.filter((r) => r.type === 'virtual').map((r) => `${r.name}_`);
  return rows
    .filter((r) => r.type === 'table' && !r.name.startsWith('sqlite_') && !virtual.some((v) => r.name.startsWith(v)))
    .map((r) => r.name)
    .sort();
}

/** Both sides must be at the same schema: a file written by a newer release has migrations this one does not know. */
async function sameMigrations(raw: Database, pg: DataSource): Promise<void> {
  const local = new Set((raw.prepare(`SELECT name FROM ${q(MIGRATIONS_TABLE)}`).all() as Array<{ name: string }>).map((r) => r.name));
  const remote = new Set(((await pg.query(`SELECT name FROM ${q(MIGRATIONS_TABLE)}`)) as Array<{ name: string }>).map((r) => r.name));
  const unknown = [...local].filter((n) => !remote.has(n));
  if (unknown.length) {
    throw new MigrateDbError(`Refused: the SQLite file has migrations this version of Switchboard does not know (${unknown.join(', ')}): it was written by a newer release. Run migrate-db from that release.`);
  }
}

async function planTables(raw: Database, pg: DataSource): Promise<{ tables: TablePlan[]; sqliteOnly: Array<{ name: string; rows: number }> }> {
  const local = sqliteTables(raw).filter((t) => t !== MIGRATIONS_TABLE);
  const remote = new Set(await pgTables(pg));
  const sqliteOnly = local.filter((t) => !remote.has(t)).map((name) => ({ name, rows: countSqlite(raw, name) }));
  const shared = local.filter((t) => remote.has(t));

  const columnRows = (await pg.query(
    `SELECT table_name, column_name, data_type, is_generated, is_nullable, column_default, is_identity, identity_generation
     FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  )) as Array<Record<string, string | null>>;
  const tables: TablePlan[] = [];
  for (const name of shared) {
    // Hidden (generated) SQLite columns are left out: PostgreSQL computes its own.
    const localColumns = new Set((raw.prepare(`PRAGMA table_xinfo(${q(name)})`).all() as Array<{ name: string; hidden: number }>).filter((c) => c.hidden === 0).map((c) => c.name));
    const pgColumns: PgColumn[] = columnRows
      .filter((c) => c.table_name === name)
      .map((c) => ({
        name: c.column_name!,
        type: c.data_type!,
        generated: c.is_generated === 'ALWAYS',
        required: c.is_nullable === 'NO' && c.column_default === null && c.is_identity !== 'YES',
        identityAlways: c.is_identity === 'YES' && c.identity_generation === 'ALWAYS',
        sequence: c.is_identity === 'YES' || /^nextval\(/.test(c.column_default ?? ''),
      }));
    const missing = pgColumns.filter((c) => !c.generated && c.required && !localColumns.has(c.name));
    if (missing.length) {
      throw new MigrateDbError(`Cannot copy ${name}: PostgreSQL requires ${missing.map((c) => c.name).join(', ')}, which the SQLite table does not have.`);
    }
    tables.push({ name, columns: pgColumns.filter((c) => !c.generated && localColumns.has(c.name)) });
  }
  return { tables: await foreignKeyOrder(pg, tables), sqliteOnly };
}

/** Referenced tables before the tables that reference them (PostgreSQL's constraints decide). */
async function foreignKeyOrder(pg: DataSource, tables: TablePlan[]): Promise<TablePlan[]> {
  const edges = (await pg.query(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  )) as Array<{ child: string; parent: string }>;
  const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const e of edges) {
    const child = unquote(e.child);
    const parent = unquote(e.parent);
    if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  }
  const ordered: TablePlan[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !done.has(t.name) && [...parents.get(t.name)!].every((p) => done.has(p)));
    if (ready.length === 0) throw new MigrateDbError(`The foreign keys between ${tables.filter((t) => !done.has(t.name)).map((t) => t.name).join(', ')} form a cycle: no copy order exists.`);
    for (const t of ready) {
      ordered.push(t);
      done.add(t.name);
    }
  }
  return ordered;
}

function countSqlite(raw: Database, table: string): number {
  return Number((raw.prepare(`SELECT count(*) AS n FROM ${q(table)}`).get() as { n: number | bigint }).n);
}

/** One SQLite value as PostgreSQL's column takes it: 0/1 for booleans, big integers as text (no float rounding). */
function toPg(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') {
    if (typeof value === 'bigint') return value !== 0n;
    if (typeof value === 'number') return value !== 0;
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  // A blob into a bit(n) column (a memory vector's signature): bit i is bit i % 8 of byte i / 8.
  if (type === 'bit' && Buffer.isBuffer(value)) return Array.from({ length: value.length * 8 }, (_, i) => ((value[i >> 3] >> (i & 7)) & 1 ? '1' : '0')).join('');
  if (typeof value === 'number' && (type === 'text' || type === 'character varying' || type === 'character')) return String(value);
  return value;
}

/** The copy: one PostgreSQL transaction, one SQLite read snapshot; counts checked per table before the commit. */
async function copyAll(raw: Database, pg: DataSource, plan: { tables: TablePlan[] }, seeds: Map<string, Set<string>>, target: string): Promise<Map<string, number>> {
  const runner = pg.createQueryRunner();
  await runner.connect();
  const counts = new Map<string, number>();
  // A consistent snapshot of the file even if something writes to it meanwhile (WAL readers see one version).
  raw.exec('BEGIN');
  try {
    await runner.startTransaction();
    // Checked again inside the transaction: an API started on the target meanwhile must not be overwritten.
    const occupied = await occupiedTables(runner, seeds);
    if (occupied.length) throw notEmpty(target, occupied);
    // The migrations' own seed rows (the owner) are replaced by the file's versions of them.
    for (const t of [...plan.tables].reverse()) if (seeds.has(t.name)) await runner.query(`DELETE FROM ${q(t.name)}`);
    for (const t of plan.tables) {
      const expected = countSqlite(raw, t.name);
      try {
        await copyTable(raw, runner, t);
      } catch (err) {
        throw new Error(`copying ${t.name}: ${(err as Error).message}`);
      }
      const [{ n }] = (await runner.query(`SELECT count(*)::int AS n FROM ${q(t.name)}`)) as Array<{ n: number }>;
      if (n !== expected) throw new MigrateDbError(`Row counts differ for ${t.name}: ${expected} in SQLite, ${n} on PostgreSQL. Rolled back.`);
      counts.set(t.name, n);
      for (const c of t.columns.filter((col) => col.sequence)) {
        // Identity/serial columns continue after the copied values.
        await runner.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${q(c.name)}) FROM ${q(t.name)}), 0) + 1, false)`, [q(t.name), c.name]);
      }
    }
    await runner.commitTransaction();
    return counts;
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    raw.exec('COMMIT');
    await runner.release();
  }
}

async function copyTable(raw: Database, runner: QueryRunner, t: TablePlan): Promise<void> {
  if (t.columns.length === 0) return;
  const names = t.columns.map((c) => q(c.name)).join(', ');
  const perRow = t.columns.length;
  const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMS / perRow)));
  const overriding = t.columns.some((c) => c.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : '';
  // safeIntegers: 64-bit integers arrive as bigint, never rounded through a double.
  const select = raw.prepare(`SELECT ${names} FROM ${q(t.name)}`).safeIntegers(true).raw(true);
  let batch: unknown[][] = [];
  let batchBytes = 0;
  const flush = async () => {
    batchBytes = 0;
    if (batch.length === 0) return;
    const params: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((v, i) => (params.push(toPg(v, t.columns[i].type)), `$${params.length}`)).join(', ')})`);
    await runner.query(`INSERT INTO ${q(t.name)} (${names})${overriding} VALUES ${tuples.join(', ')}`, params);
    batch = [];
  };
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    for (const v of row) if (Buffer.isBuffer(v)) batchBytes += v.byteLength;
    if (batch.length >= batchRows || batchBytes >= MAX_BATCH_BYTES) await flush();
  }
  await flush();
}
