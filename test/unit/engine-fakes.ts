/**
 * In-memory fakes of the connector SPI for the engine's orchestration tests: a source that
 * filters, ranges, truncates LOBs and streams in batches (optionally slowly), and a target
 * with transactional writers that refuse rows a predicate picks the way the SPI says
 * (the refused write() keeps nothing, names the row, and the writer stays usable), or only
 * at commit (`refuseAtCommit`, a deferred constraint: the whole transaction is lost).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DataLoadError, type ColumnFilter, type ColumnInfo, type Connector, type KeyRange, type ReadRequest, type Row, type SourceSession, type TableInfo, type TableRef, type TargetColumn, type TargetSession, type TargetTableDef, type TableWriter, type Value } from '../../src/connectors/spi/index.js';
import type { EngineSettings, RunOutcome, TableStats, TaskProgress, TaskReporter, TaskRunSpec } from '../../src/engine/ports.js';
import type { ColumnPlan, MappingPlan, TablePlan } from '../../src/engine/mapping/index.js';
import type { Planner } from '../../src/engine/planner.js';

export function baseSettings(): EngineSettings {
  return {
    targetSchema: '',
    supportLobs: true,
    fullLobMode: false,
    lobChunkSizeKb: 64,
    limitedSizeLobMode: true,
    lobMaxSizeKb: 32,
    targetTablePrepMode: 'DROP_AND_CREATE',
    createPkAfterFullLoad: false,
    maxFullLoadSubTasks: 8,
    commitRate: 10000,
    logging: { enabled: true, components: {} },
    errorBehavior: {
      dataErrorPolicy: 'LOG_ERROR',
      dataTruncationErrorPolicy: 'LOG_ERROR',
      dataErrorEscalationCount: 0,
      dataErrorEscalationPolicy: 'SUSPEND_TABLE',
      tableErrorPolicy: 'SUSPEND_TABLE',
      failOnNoTablesCaptured: true,
    },
  };
}

export function spec(over: Omit<Partial<TaskRunSpec>, 'settings'> & { settings?: Partial<EngineSettings> } = {}): TaskRunSpec {
  const { settings, ...rest } = over;
  return {
    taskArn: 'arn:aws:dms:us-east-1:000000000000:task:FAKE',
    taskIdentifier: 'fake-task',
    runId: 1,
    migrationType: 'full-load',
    startType: 'start-replication',
    source: { engineName: 'fake', params: { engineName: 'fake', host: 'h', port: 1, ssl: { mode: 'none' } } },
    target: { engineName: 'fake', params: { engineName: 'fake', host: 'h', port: 1, ssl: { mode: 'none' } } },
    tableMappings: '{"rules":[]}',
    completedTables: [],
    ...rest,
    settings: { ...baseSettings(), ...settings },
  };
}

/** What a reporter was told, in order. */
export class RecordingReporter implements TaskReporter {
  readonly events: Array<{ kind: string; runId: number }> = [];
  readonly tableReports: TableStats[][] = [];
  readonly progressReports: TaskProgress[] = [];
  outcome?: RunOutcome;
  private resolveFinished!: (o: RunOutcome) => void;
  readonly finishedPromise = new Promise<RunOutcome>((r) => (this.resolveFinished = r));

  running(_arn: string, runId: number): void {
    this.events.push({ kind: 'running', runId });
  }
  tables(_arn: string, runId: number, stats: readonly TableStats[]): void {
    this.events.push({ kind: 'tables', runId });
    this.tableReports.push([...stats]);
  }
  progress(_arn: string, runId: number, p: TaskProgress): void {
    this.events.push({ kind: 'progress', runId });
    this.progressReports.push(p);
  }
  finished(_arn: string, runId: number, outcome: RunOutcome): void {
    this.events.push({ kind: 'finished', runId });
    this.outcome = outcome;
    this.resolveFinished(outcome);
  }
  readonly checkpoints: string[] = [];
  checkpoint(_arn: string, _runId: number, position: string): void {
    this.checkpoints.push(position);
  }
  /** The last statistics of a table (by source name). */
  last(name: string): TableStats | undefined {
    for (let i = this.tableReports.length - 1; i >= 0; i--) {
      const s = this.tableReports[i]!.find((t) => t.tableName === name);
      if (s) return s;
    }
    return undefined;
  }
  lastProgress(): TaskProgress | undefined {
    return this.progressReports.at(-1);
  }
}

const int4 = { kind: 'int', bytes: 4, unsigned: false } as const;

export interface FakeTable {
  readonly info: TableInfo;
  readonly rows: Row[];
}

/** A catalog table: columns `[name, type, nullable?]`, integer keys compared numerically. */
export function fakeTable(schema: string, name: string, columns: Array<[string, ColumnInfo['type']] | [string, ColumnInfo['type'], boolean]>, rows: Row[], primaryKey: string[] = ['id']): FakeTable {
  return {
    info: {
      schema,
      name,
      kind: 'table',
      columns: columns.map(([n, type, nullable]) => ({ name: n, nativeType: type.kind, type, nullable: nullable ?? true, generated: false })),
      primaryKey,
      uniqueKeys: [],
      estimatedRows: rows.length,
      estimatedBytes: rows.length * 100,
    },
    rows,
  };
}

export const types = { int4, text: { kind: 'text' } as const, varchar: { kind: 'varchar', length: 50 } as const, bool: { kind: 'boolean' } as const };

const cmp = (a: string, b: string): number => (/^-?\d+$/.test(a) && /^-?\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
const cmpTuple = (a: readonly string[], b: readonly string[]): number => {
  for (let i = 0; i < a.length; i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
};

export class FakeSource implements SourceSession {
  closed = false;
  reads: ReadRequest[] = [];
  constructor(
    private readonly tables: FakeTable[],
    private readonly opts: { batchDelayMs?: number; failRead?: (t: TableRef) => Error | undefined } = {},
  ) {}

  listTables(): Promise<TableInfo[]> {
    return Promise.resolve(this.tables.map((t) => t.info));
  }

  private find(ref: TableRef): FakeTable {
    const t = this.tables.find((x) => x.info.schema === ref.schema && x.info.name === ref.name);
    if (!t) throw new Error(`no table ${ref.schema}.${ref.name}`);
    return t;
  }

  private selected(t: FakeTable, filters: readonly ColumnFilter[], range?: KeyRange): Row[] {
    const idx = (c: string): number => t.info.columns.findIndex((x) => x.name === c);
    return t.rows.filter((row) => {
      for (const f of filters) {
        const v = row[idx(f.column)] ?? null;
        const ok = f.conditions.some((c) => {
          if (c.op === 'null') return v === null;
          if (c.op === 'notnull') return v !== null;
          if (v === null || typeof v !== 'string') return false;
          if (c.op === 'eq') return cmp(v, c.value) === 0;
          if (c.op === 'noteq') return cmp(v, c.value) !== 0;
          if (c.op === 'lte') return cmp(v, c.value) <= 0;
          if (c.op === 'gte') return cmp(v, c.value) >= 0;
          if (c.op === 'between') return cmp(v, c.start) >= 0 && cmp(v, c.end) <= 0;
          if (c.op === 'notbetween') return cmp(v, c.start) < 0 || cmp(v, c.end) > 0;
          return false;
        });
        if (!ok) return false;
      }
      if (range) {
        const key = range.columns.map((c) => String(row[idx(c)]));
        if (range.after && cmpTuple(key, range.after) <= 0) return false;
        if (range.upTo && cmpTuple(key, range.upTo) > 0) return false;
      }
      return true;
    });
  }

  async *read(req: ReadRequest, signal: AbortSignal): AsyncIterable<Row[]> {
    this.reads.push(req);
    const t = this.find(req.table);
    const failure = this.opts.failRead?.(req.table);
    if (failure) throw failure;
    const idx = req.columns.map((c) => t.info.columns.findIndex((x) => x.name === c));
    const rows = this.selected(t, req.filters, req.range);
    for (let i = 0; i < rows.length; i += req.batchRows) {
      signal.throwIfAborted();
      if (this.opts.batchDelayMs) await delay(this.opts.batchDelayMs, undefined, { signal });
      else await delay(0);
      yield rows.slice(i, i + req.batchRows).map((r) =>
        idx.map((j, k) => {
          const v = r[j] ?? null;
          const limit = req.lobLimits?.get(req.columns[k]!);
          return limit !== undefined && typeof v === 'string' && v.length > limit ? v.slice(0, limit) : v;
        }),
      );
    }
  }

  async countOversized(table: TableRef, filters: readonly ColumnFilter[], limits: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const t = this.find(table);
    const rows = this.selected(t, filters);
    const out = new Map<string, number>();
    for (const [col, limit] of limits) {
      const j = t.info.columns.findIndex((x) => x.name === col);
      out.set(col, rows.filter((r) => {
        const v = r[j];
        return (typeof v === 'string' && v.length > limit) || (Buffer.isBuffer(v) && v.length > limit);
      }).length);
    }
    return out;
  }

  async splitPoints(table: TableRef, keyColumns: readonly string[], parts: number): Promise<string[][]> {
    const t = this.find(table);
    const j = keyColumns.map((c) => t.info.columns.findIndex((x) => x.name === c));
    const keys = t.rows.map((r) => j.map((i) => String(r[i]))).sort(cmpTuple);
    const out: string[][] = [];
    for (let p = 1; p < parts; p++) {
      const k = keys[Math.floor((keys.length * p) / parts)];
      if (k) out.push(k);
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface FakeTargetTable {
  def: TargetTableDef;
  withPk: boolean;
  rows: Row[];
  columns: string[];
}

export class FakeTarget implements TargetSession {
  closed = false;
  readonly ddl: string[] = [];
  readonly tables = new Map<string, FakeTargetTable>();
  openWriters = 0;
  writersOpened = 0;
  constructor(
    private readonly opts: {
      refuse?: (row: Row, columns: readonly TargetColumn[]) => boolean;
      refuseAtCommit?: (row: Row) => boolean;
      failDdl?: (t: TableRef) => Error | undefined;
    } = {},
  ) {}

  private key = (t: TableRef): string => `${t.schema}.${t.name}`;

  async tableExists(t: TableRef): Promise<boolean> {
    return this.tables.has(this.key(t));
  }
  async ensureSchema(schema: string): Promise<void> {
    this.ddl.push(`ensureSchema ${schema}`);
  }
  async dropTable(t: TableRef): Promise<void> {
    this.ddl.push(`drop ${this.key(t)}`);
    this.tables.delete(this.key(t));
  }
  async truncateTable(t: TableRef): Promise<void> {
    this.ddl.push(`truncate ${this.key(t)}`);
    this.tables.get(this.key(t))!.rows = [];
  }
  async createTable(def: TargetTableDef, opts: { withPrimaryKey: boolean }): Promise<[]> {
    const failure = this.opts.failDdl?.(def);
    if (failure) throw failure;
    this.ddl.push(`create ${this.key(def)}${opts.withPrimaryKey ? ' with pk' : ''}`);
    this.tables.set(this.key(def), { def, withPk: opts.withPrimaryKey, rows: [], columns: def.columns.map((c) => c.name) });
    return [];
  }
  async addPrimaryKey(t: TableRef, columns: readonly string[]): Promise<void> {
    this.ddl.push(`addPrimaryKey ${this.key(t)} (${columns.join(', ')})`);
    this.tables.get(this.key(t))!.withPk = true;
  }
  async openWriter(t: TableRef, columns: readonly TargetColumn[], signal: AbortSignal): Promise<TableWriter> {
    const table = this.tables.get(this.key(t));
    if (!table) throw new Error(`no target table ${this.key(t)}`);
    this.openWriters++;
    this.writersOpened++;
    const names = columns.map((c) => c.name);
    let pending: Row[] = [];
    let open = true;
    const end = (): void => {
      if (open) this.openWriters--;
      open = false;
    };
    const toTable = (r: Row): Row => table.columns.map((c) => {
      const i = names.indexOf(c);
      return i < 0 ? null : (r[i] as Value);
    });
    return {
      write: async (rows) => {
        signal.throwIfAborted();
        await delay(0);
        const at = rows.findIndex((r) => this.opts.refuse?.(r, columns));
        if (at >= 0) throw new DataLoadError({ table: t, rowIndex: at, truncation: false, serverMessage: 'value violates a check constraint' });
        pending.push(...rows.map(toTable));
      },
      commit: async () => {
        if (pending.some((r) => this.opts.refuseAtCommit?.(r))) {
          pending = [];
          throw new DataLoadError({ table: t, truncation: false, serverMessage: 'deferred constraint violated' });
        }
        table.rows.push(...pending);
        pending = [];
      },
      close: async () => {
        table.rows.push(...pending);
        pending = [];
        end();
      },
      abort: async () => {
        pending = [];
        end();
      },
    };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export function fakeConnector(source: () => FakeSource, target: () => FakeTarget): Connector {
  return {
    engines: ['fake'],
    testConnection: async () => undefined,
    listSchemas: async () => [],
    openSource: async () => source(),
    openTarget: async () => target(),
    openSchemaDdl: () => Promise.reject(new Error('openSchemaDdl is not used in this test')),
  };
}

/** Every table of the catalog, columns as they are: the plan of `{"rules":[include %.%]}`. */
export function identityPlanner(shape?: (t: TablePlan) => TablePlan): Planner {
  return (_spec, catalog) => {
    const tables: TablePlan[] = catalog.map((t) => {
      const columns: ColumnPlan[] = t.columns.map((c) => ({
        kind: 'source',
        sourceName: c.name,
        targetName: c.name,
        sourceType: c.type,
        targetType: c.type,
        nullable: c.nullable,
        isLob: c.type.kind === 'text' || c.type.kind === 'blob' || c.type.kind === 'json',
      }));
      const plan: TablePlan = { source: t, target: { schema: t.schema, name: t.name }, loadOrder: 0, columns, filters: [], primaryKey: t.primaryKey, sourceKey: t.primaryKey, ruleIds: ['1'] };
      return shape ? shape({ ...plan, source: { schema: t.schema, name: t.name } }) : { ...plan, source: { schema: t.schema, name: t.name } };
    });
    const plan: MappingPlan = { tables, notes: [] };
    return { mappings: { rules: [{ ruleType: 'selection', ruleId: '1', ruleName: '1', ruleAction: 'include', objectLocator: { schemaName: '%', tableName: '%' }, loadOrder: 0, filters: [] }] }, plan };
  };
}
