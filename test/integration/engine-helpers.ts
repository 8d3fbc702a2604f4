/**
 * Harness of the engine's integration tests: databases created per test with unique names
 * (dropped after), the real connector registry, a TaskSupervisor with a recording reporter,
 * and queries on both sides to compare target with source.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/common/logger.js';
import { createConnectors } from '../../src/connectors/registry.js';
import type { ConnectionParams } from '../../src/connectors/spi/index.js';
import type { EngineSettings, RunOutcome, TaskRunSpec } from '../../src/engine/ports.js';
import { TaskLogStore } from '../../src/engine/task-log/task-log-store.js';
import { TaskSupervisor } from '../../src/engine/task-supervisor.js';
import { RecordingReporter, baseSettings } from '../unit/engine-fakes.js';
import { mariaDropDatabase, mariaExec, mariaTextValues, pgCreateDatabase, pgDropDatabase, pgExec, pgTextRows, uniqueSuffix, withMaria } from '../helpers/databases.js';

export type Engine = 'postgres' | 'mariadb';

/** A database of its own on one of the local servers; `schema` is where test tables go. */
export class TestDb {
  private constructor(
    readonly engine: Engine,
    /** PostgreSQL: the database; MariaDB: the database, which is also the schema. */
    readonly database: string,
    readonly schema: string,
  ) {}

  static async create(engine: Engine, label: string): Promise<TestDb> {
    const name = `opendms_it_eng_${label}_${uniqueSuffix()}`;
    if (engine === 'postgres') {
      await pgCreateDatabase(name);
      const db = new TestDb(engine, name, `app_${label}`);
      await db.exec(`CREATE SCHEMA ${db.schema}`);
      return db;
    }
    await mariaExec(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
    return new TestDb(engine, name, name);
  }

  get params(): ConnectionParams {
    return this.engine === 'postgres'
      ? { engineName: 'postgres', host: '127.0.0.1', port: 5432, database: this.database, username: 'postgres', ssl: { mode: 'none' } }
      : { engineName: 'mariadb', host: '127.0.0.1', port: 3306, database: this.database, username: 'root', password: '', ssl: { mode: 'none' } };
  }

  /** Runs statements (separated by `;` on line ends for MariaDB). */
  async exec(sql: string): Promise<void> {
    if (this.engine === 'postgres') await pgExec(sql, this.database);
    else await mariaExec(sql, { database: this.database, multipleStatements: true, charset: 'utf8mb4' });
  }

  /** Rows as arrays of strings (NULL as null), in the order of the query. */
  async rows(sql: string): Promise<(string | null)[][]> {
    if (this.engine === 'postgres') return pgTextRows(this.database, sql, { setup: "SET TIME ZONE 'UTC'" });
    return withMaria(
      async (c) => {
        const [rows] = await c.query({ sql, rowsAsArray: true });
        return (rows as unknown[][]).map((r) => r.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('hex') : String(v))));
      },
      { ...mariaTextValues, database: this.database, timezone: 'Z' },
    );
  }

  /** A table name qualified for this engine's SQL. */
  q(table: string): string {
    return this.engine === 'postgres' ? `"${this.schema}"."${table}"` : `\`${this.schema}\`.\`${table}\``;
  }

  async drop(extraSchemas: readonly string[] = []): Promise<void> {
    if (this.engine === 'postgres') {
      await pgDropDatabase(this.database);
      return;
    }
    for (const s of [this.database, ...extraSchemas]) await mariaDropDatabase(s);
  }
}

/** The engine with the real connectors, a task log folder and a recording reporter. */
export class EngineHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'opendms-engine-it-'));
  readonly taskLogs = new TaskLogStore(this.dir);
  readonly connectors = createConnectors();
  private n = 0;

  /** Starts a run and returns its reporter; `await h.finished` for the outcome. */
  start(opts: {
    source: TestDb;
    target: TestDb;
    rules: unknown[];
    settings?: Partial<EngineSettings>;
    startType?: TaskRunSpec['startType'];
    completedTables?: TaskRunSpec['completedTables'];
    supervisor?: TaskSupervisor;
    migrationType?: TaskRunSpec['migrationType'];
    cdc?: TaskRunSpec['cdc'];
    /** The same task again (a later run): its ARN and identifier (the identifier names its replication slot). */
    task?: { arn: string; identifier: string; runId: number };
    /** The engine reaches the target at this port of 127.0.0.1 instead (a proxy in front of it); the test's own queries do not. */
    targetPort?: number;
  }): { reporter: RecordingReporter; supervisor: TaskSupervisor; taskArn: string; finished: Promise<RunOutcome>; log: () => string } {
    const reporter = new RecordingReporter();
    const supervisor = opts.supervisor ?? new TaskSupervisor({ reporter, connectors: this.connectors, taskLogs: this.taskLogs, log: createLogger('silent'), statsThrottleMs: 0 });
    const n = ++this.n;
    const targetParams = opts.targetPort === undefined ? opts.target.params : { ...opts.target.params, host: '127.0.0.1', port: opts.targetPort };
    const taskArn = opts.task?.arn ?? `arn:aws:dms:us-east-1:000000000000:task:IT${process.pid}X${n}`;
    supervisor.start({
      taskArn,
      taskIdentifier: opts.task?.identifier ?? `it-${process.pid}-${n}`,
      runId: opts.task?.runId ?? 1,
      migrationType: opts.migrationType ?? 'full-load',
      ...(opts.cdc ? { cdc: opts.cdc } : {}),
      startType: opts.startType ?? 'start-replication',
      source: { engineName: opts.source.params.engineName, params: opts.source.params },
      target: { engineName: targetParams.engineName, params: targetParams },
      tableMappings: JSON.stringify({ rules: opts.rules }),
      settings: { ...baseSettings(), ...opts.settings },
      completedTables: opts.completedTables ?? [],
    });
    return { reporter, supervisor, taskArn, finished: reporter.finishedPromise, log: () => this.taskLogs.read(taskArn) ?? '' };
  }

  async close(): Promise<void> {
    await this.connectors.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A selection rule including every table of a schema. */
export function includeAll(schema: string, id = '1'): Record<string, unknown> {
  return { 'rule-type': 'selection', 'rule-id': id, 'rule-name': id, 'object-locator': { 'schema-name': schema, 'table-name': '%' }, 'rule-action': 'include' };
}
