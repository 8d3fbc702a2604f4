/**
 * The benchmark dataset: 1.5 M rows of mixed types over three tables (one of 1 M rows),
 * generated inside PostgreSQL (generate_series) and MariaDB (its SEQUENCE engine) so that
 * generation is fast and identical in shape on both sides.
 */
import { mariaExec, mariaQuery, pgCreateDatabase, pgExec, pgQuery, withPg } from '../../test/helpers/databases.js';

/** Statements on the local servers as their admin users (kept as the names the bench scripts use). */
export { pgExec as pgAdmin, mariaExec as mariadbAdmin };

export const tables = ['orders', 'customers', 'events'] as const;

/** Row counts per table; ORDERS is the big one. `BENCH_SCALE` (0.01 .. 10) scales them all. */
export function rowCounts(scale: number): Record<(typeof tables)[number], number> {
  return { orders: Math.round(1_000_000 * scale), customers: Math.round(300_000 * scale), events: Math.round(200_000 * scale) };
}

export async function createPostgresDataset(database: string, scale: number): Promise<void> {
  const n = rowCounts(scale);
  await pgCreateDatabase(database);
  await pgExec(
    `
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer NOT NULL, amount numeric(12,2) NOT NULL,
        status varchar(16) NOT NULL, created_at timestamptz NOT NULL, note varchar(200), paid boolean NOT NULL);
      INSERT INTO orders SELECT i, (i::bigint * 7919) % 300000, round((random() * 10000)::numeric, 2),
        (ARRAY['new','paid','shipped','cancelled'])[1 + i % 4], now() - (i || ' seconds')::interval,
        CASE WHEN i % 5 = 0 THEN NULL ELSE 'note for order ' || i || ' ✓' END, i % 3 = 0
        FROM generate_series(1, ${n.orders}) i;
      CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, email varchar(100), birth date,
        score double precision, profile jsonb);
      INSERT INTO customers SELECT i, 'Customer ' || i, 'c' || i || '@example.com', date '1950-01-01' + (i % 20000),
        random() * 100, jsonb_build_object('tier', i % 5, 'tags', jsonb_build_array('a', 'b'))
        FROM generate_series(1, ${n.customers}) i;
      CREATE TABLE events (id bigint PRIMARY KEY, kind smallint NOT NULL, ts timestamp NOT NULL, ref uuid, payload bytea);
      INSERT INTO events SELECT i, i % 100, timestamp '2024-01-01' + (i || ' seconds')::interval,
        md5(i::text)::uuid, decode(repeat(md5(i::text), 3), 'hex')
        FROM generate_series(1, ${n.events}) i;
      ANALYZE;`,
    database,
  );
}

export async function createMariadbDataset(database: string, scale: number): Promise<void> {
  const n = rowCounts(scale);
  await mariaExec(
    `
      CREATE DATABASE ${database} CHARACTER SET utf8mb4; USE ${database};
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, amount decimal(12,2) NOT NULL,
        status varchar(16) NOT NULL, created_at datetime(6) NOT NULL, note varchar(200), paid tinyint(1) NOT NULL) ENGINE=InnoDB;
      INSERT INTO orders SELECT seq, (seq * 7919) % 300000, round(rand() * 10000, 2),
        ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'), now(6) - INTERVAL seq SECOND,
        IF(seq % 5 = 0, NULL, CONCAT('note for order ', seq, ' ✓')), seq % 3 = 0 FROM seq_1_to_${n.orders};
      CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email varchar(100), birth date,
        score double, profile json) ENGINE=InnoDB;
      INSERT INTO customers SELECT seq, CONCAT('Customer ', seq), CONCAT('c', seq, '@example.com'),
        DATE('1950-01-01') + INTERVAL (seq % 20000) DAY, rand() * 100,
        JSON_OBJECT('tier', seq % 5, 'tags', JSON_ARRAY('a', 'b')) FROM seq_1_to_${n.customers};
      CREATE TABLE events (id bigint PRIMARY KEY, kind smallint NOT NULL, ts datetime NOT NULL, ref char(36),
        payload blob) ENGINE=InnoDB;
      INSERT INTO events SELECT seq, seq % 100, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND,
        uuid(), UNHEX(REPEAT(MD5(seq), 3)) FROM seq_1_to_${n.events};
      ANALYZE TABLE orders, customers, events;`,
    { multipleStatements: true },
  );
}

/** Rows per table in a PostgreSQL database (schema `schema`). */
export async function pgCounts(database: string, schema = 'public'): Promise<Record<string, number>> {
  return withPg(database, async (c) => {
    const out: Record<string, number> = {};
    for (const t of tables) {
      const r = await c.query(`SELECT count(*)::bigint AS n FROM "${schema}"."${t}"`);
      out[t] = Number(r.rows[0].n);
    }
    return out;
  });
}

/** Bytes of table data (heap + TOAST, no indexes) of the PostgreSQL source. */
export async function pgDataBytes(database: string): Promise<number> {
  const rows = await pgQuery<{ b: string }>(database, `SELECT sum(pg_table_size(c.oid))::bigint AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`);
  return Number(rows[0]!.b);
}

export async function mariadbDataBytes(database: string): Promise<number> {
  const rows = await mariaQuery<{ b: string }>('SELECT sum(DATA_LENGTH) AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database]);
  return Number(rows[0]!.b);
}
