/**
 * Source DDL during change data capture, per ChangeProcessingDdlHandlingPolicy: a captured
 * table altered, dropped or created on the source is altered, dropped or created (and, when
 * the stream needs it, copied) on the target, and its change mapper follows, so that the
 * rows after the DDL land in the table's new shape.
 *
 * The target follows the source's definition as the catalog has it when the DDL is handled,
 * not as it was at the DDL's position: reading history of the catalog is something neither
 * engine offers. Handling is idempotent (an alteration computed against the target's actual
 * columns), which makes a replay after a crash harmless, and makes several DDL signals for
 * one change (pgoutput's Relation message and the event trigger's message) cost nothing.
 *
 * Column renames: the catalogs do not say a column was renamed, so a source column that left
 * and one that arrived at the same position with the same type are taken as a rename (the
 * target keeps the column's data); anything else is a drop and an add.
 */
import type { ChangeStream, ColumnInfo, DdlChange, SourceSession, TableAlteration, TableInfo, TableRef, TargetColumn, TargetSession } from '../../connectors/spi/index.js';
import type { ColumnPlan, TablePlan } from '../mapping/index.js';
import type { EngineSettings } from '../ports.js';
import { tableName, type RunLog } from '../run-context.js';
import { explain } from '../run-errors.js';
import type { StatsBoard } from '../statistics/stats-board.js';
import { tableKey, type TableChangeMapper } from './change-mapper.js';

/** A DDL change, or row changes whose columns differ from what the task planned (a DDL the source did not announce). */
export type DdlSignal = DdlChange | { readonly kind: 'drift'; readonly table: TableRef };

export interface DdlReplicationDeps {
  readonly settings: EngineSettings;
  /** The table's plan under the task's mappings; undefined when the selection does not include it. */
  readonly planOf: (info: TableInfo) => TablePlan | undefined;
  /** Fresh sessions (a source session reads the snapshot it took when it opened); the caller closes them. */
  readonly openSource: (signal: AbortSignal) => Promise<SourceSession>;
  readonly openTarget: (signal: AbortSignal) => Promise<TargetSession>;
  /** The mappers of the captured tables by source table (tableKey); changed here. */
  readonly mappers: Map<string, TableChangeMapper>;
  readonly buildMapper: (plan: TablePlan, info: TableInfo) => TableChangeMapper;
  /**
   * A new table whose rows the stream may lack: prepared per TargetTablePrepMode and copied
   * from a fresh snapshot, as the full load does (its statistics and log lines included).
   */
  readonly loadTable: (plan: TablePlan, info: TableInfo, source: SourceSession, target: TargetSession, signal: AbortSignal) => Promise<void>;
  /** A new table the stream has every row of: only prepared per TargetTablePrepMode. */
  readonly prepareTable: (plan: TablePlan, info: TableInfo, target: TargetSession, signal: AbortSignal) => Promise<void>;
  /** The captured tables changed (a table created or dropped): the run's list for the end of CDC. */
  readonly tablesChanged: (tables: readonly TablePlan[]) => void;
  readonly board: StatsBoard;
  readonly log: RunLog;
}

export class DdlReplication {
  /** The source columns each mapper was built from, for rename detection. */
  private readonly sourceColumns = new Map<string, readonly ColumnInfo[]>();
  private readonly warned = new Set<string>();

  constructor(private readonly d: DdlReplicationDeps) {}

  /** The source columns a table's current mapper was built from (the run records them as it builds mappers). */
  remember(table: TableRef, columns: readonly ColumnInfo[]): void {
    this.sourceColumns.set(tableKey(table), columns);
  }

  /** Whether a signal concerns this task at all (a create always may: the selection decides). */
  concerns(s: DdlSignal): boolean {
    return (s.kind === 'ddl' && s.action === 'create') || this.d.mappers.has(tableKey(s.table));
  }

  /** Handles the signal; returns the target tables whose definition it may have changed. */
  async handle(s: DdlSignal, stream: ChangeStream, signal: AbortSignal): Promise<TableRef[]> {
    if (!this.concerns(s)) return [];
    if (s.kind === 'ddl' && s.action === 'create' && !this.d.mappers.has(tableKey(s.table)) && !this.mightSelect(s.table)) {
      this.d.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_DEBUG', `Table ${tableName(s.table)} created on the source; the selection rules do not include it`);
      return [];
    }
    const before = this.d.mappers.get(tableKey(s.table))?.plan.target;
    const what = s.kind === 'drift' ? 'the columns of its captured rows differ from the plan' : s.statement ? `${s.action}: ${clip(s.statement)}` : s.action;
    const action = s.kind === 'drift' ? 'alter' : s.action;
    const target = await this.d.openTarget(signal);
    try {
      if (action === 'drop') await this.drop(s.table, what, target, signal);
      else {
        // Only a create or an alter reads the source's catalog.
        const source = await this.d.openSource(signal);
        try {
          if (action === 'create' && !this.d.mappers.has(tableKey(s.table))) await this.create(s.table, what, source, target, stream, signal);
          else await this.alter(s.table, what, source, target, s.kind === 'ddl', signal);
        } finally {
          await source.close().catch(() => undefined);
        }
      }
    } finally {
      await target.close().catch(() => undefined);
    }
    const after = this.d.mappers.get(tableKey(s.table))?.plan.target;
    return [before, after].filter((t): t is TableRef => t !== undefined);
  }

  /**
   * At the start of change data capture: planned columns the target table lacks (the source
   * was altered and the task stopped or crashed before the target followed) are added.
   */
  async reconcile(plans: readonly TablePlan[], signal: AbortSignal): Promise<void> {
    if (this.d.settings.ddlHandling?.tableAltered === false) return;
    const target = await this.d.openTarget(signal);
    try {
      if (!target.columnNames || !target.alterTable) return;
      for (const plan of plans) {
        const have = await target.columnNames(plan.target, signal);
        if (!have) continue;
        const missing = plan.columns.filter((c) => !have.includes(c.targetName));
        if (missing.length === 0) continue;
        await target.alterTable(plan.target, { add: missing.map(targetColumn), drop: [], retype: [], rename: [] }, signal);
        this.d.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_INFO', `Table ${tableName(plan.target)}: columns ${missing.map((c) => c.targetName).join(', ')} added to follow the source (altered while the task was not applying changes)`);
      }
    } finally {
      await target.close().catch(() => undefined);
    }
  }

  private async alter(table: TableRef, what: string, source: SourceSession, target: TargetSession, announced: boolean, signal: AbortSignal): Promise<void> {
    const key = tableKey(table);
    const current = this.d.mappers.get(key);
    if (!current) return;
    const info = await readTable(source, table, signal);
    if (!info) return; // Dropped since: its drop follows in the stream.
    if (this.d.settings.ddlHandling?.tableAltered === false) {
      this.warnOnce(`Table ${tableName(table)} was altered on the source (${what}); the target table is left as it is (HandleSourceTableAltered is false): alter it the same way, or reload the table`);
      if (announced) this.count(current.plan);
      return;
    }
    let plan: TablePlan | undefined;
    try {
      plan = this.d.planOf(info);
    } catch (err) {
      this.warnOnce(`Table ${tableName(table)} was altered on the source (${what}) but the table mappings no longer apply to it: ${explain(err)}. Its changes are applied to the columns planned at the start`);
      return;
    }
    if (!plan) return;
    const alteration = alterationOf(current.plan, plan, this.sourceColumns.get(key) ?? [], info.columns, await target.columnNames?.(plan.target, signal));
    const changed = alteration.add.length + alteration.drop.length + alteration.retype.length + alteration.rename.length > 0;
    if (changed) {
      if (!target.alterTable) {
        this.warnOnce(`Table ${tableName(table)} was altered on the source (${what}); the target cannot be altered by OpenDMS: alter ${tableName(plan.target)} the same way`);
      } else {
        const notices = await target.alterTable(plan.target, alteration, signal);
        this.d.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_INFO', `Table ${tableName(plan.target)} altered to follow the source (${what}): ${describe(alteration)}`);
        for (const n of notices) this.d.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_WARNING', `Table ${tableName(plan.target)}, column ${n.column}: ${n.message}`);
      }
    } else if (announced) {
      this.d.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_DEBUG', `Table ${tableName(table)}: DDL on the source (${what}) needs no change of the target`);
    }
    this.d.mappers.set(key, this.d.buildMapper(plan, info));
    this.sourceColumns.set(key, info.columns);
    this.d.tablesChanged(this.plans());
    if (announced || changed) this.count(plan);
  }

  private async drop(table: TableRef, what: string, target: TargetSession, signal: AbortSignal): Promise<void> {
    const key = tableKey(table);
    const current = this.d.mappers.get(key);
    if (!current) return;
    this.count(current.plan);
    this.d.mappers.delete(key);
    this.sourceColumns.delete(key);
    this.d.tablesChanged(this.plans());
    if (this.d.settings.ddlHandling?.tableDropped === false) {
      this.d.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_WARNING', `Table ${tableName(table)} was dropped on the source (${what}); the target table ${tableName(current.plan.target)} is kept (HandleSourceTableDropped is false)`);
      return;
    }
    await target.dropTable(current.plan.target, signal);
    this.d.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_INFO', `Table ${tableName(current.plan.target)} dropped: its source table was dropped (${what})`);
  }

  private async create(table: TableRef, what: string, source: SourceSession, target: TargetSession, stream: ChangeStream, signal: AbortSignal): Promise<void> {
    const info = await readTable(source, table, signal);
    if (!info) return; // Dropped again since.
    let plan: TablePlan | undefined;
    try {
      plan = this.d.planOf(info);
    } catch (err) {
      this.warnOnce(`Table ${tableName(table)} was created on the source (${what}) and the selection includes it, but the table mappings cannot be applied to it: ${explain(err)}. Its changes are not captured`);
      return;
    }
    if (!plan) {
      this.d.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_DEBUG', `Table ${tableName(table)} created on the source; the selection rules do not include it`);
      return;
    }
    if (!stream.watch) {
      this.warnOnce(`Table ${tableName(table)} was created on the source and the selection includes it, but this source cannot add a table to a running capture: restart the task (reload-target) to migrate it`);
      return;
    }
    this.d.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_INFO', `Table ${tableName(table)} created on the source (${what}); the selection includes it: capturing its changes into ${tableName(plan.target)}`);
    const { snapshot } = await stream.watch(table, signal);
    if (snapshot) {
      // A snapshot taken now, after the stream took the table in: every change it misses is in the stream.
      const copySource = await this.d.openSource(signal);
      try {
        await this.d.loadTable(plan, info, copySource, target, signal);
      } finally {
        await copySource.close().catch(() => undefined);
      }
    } else await this.d.prepareTable(plan, info, target, signal);
    const key = tableKey(table);
    this.d.mappers.set(key, this.d.buildMapper(plan, info));
    this.sourceColumns.set(key, info.columns);
    this.d.tablesChanged(this.plans());
    this.count(plan);
  }

  /**
   * Whether the selection rules may include a table, by its name alone: a CREATE anywhere on
   * the source server (MySQL reports every database's) costs no session and no catalog read
   * unless it may be the task's. Undecidable without the columns (a rule that fails on an
   * empty table): maybe.
   */
  private mightSelect(table: TableRef): boolean {
    try {
      return this.d.planOf({ ...table, kind: 'table', columns: [], primaryKey: [], uniqueKeys: [], estimatedRows: 0, estimatedBytes: 0 }) !== undefined;
    } catch {
      return true;
    }
  }

  private plans(): TablePlan[] {
    return [...this.d.mappers.values()].map((m) => m.plan);
  }

  private count(plan: TablePlan): void {
    this.d.board.addChanges(plan.source, { inserts: 0, updates: 0, deletes: 0, ddls: 1 });
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.d.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_WARNING', message);
  }
}

async function readTable(source: SourceSession, table: TableRef, signal: AbortSignal): Promise<TableInfo | undefined> {
  const all = await source.listTables(signal);
  return all.find((t) => t.kind === 'table' && t.schema === table.schema && t.name === table.name);
}

/**
 * How the target table changes from `before` to `after` (the table's old and new plans):
 * target columns present in the new plan only are added, those of the old plan only are
 * dropped (target columns no plan ever had are the user's: left alone), and columns in both
 * whose type or nullability changed are retyped. Checked against the target's actual
 * columns (`have`, when the target can tell): what is already done is not done again.
 */
export function alterationOf(
  before: TablePlan,
  after: TablePlan,
  oldSource: readonly ColumnInfo[],
  newSource: readonly ColumnInfo[],
  have: readonly string[] | undefined,
): TableAlteration {
  const oldNames = new Set(before.columns.map((c) => c.targetName));
  const newNames = new Set(after.columns.map((c) => c.targetName));
  const present = (n: string): boolean => (have ? have.includes(n) : oldNames.has(n));
  let add = after.columns.filter((c) => !present(c.targetName));
  let drop = before.columns.filter((c) => !newNames.has(c.targetName) && present(c.targetName)).map((c) => c.targetName);
  const rename: { from: string; to: string }[] = [];
  for (const gone of [...drop]) {
    const from = planned(before, gone);
    const oldAt = from?.kind === 'source' ? oldSource.findIndex((c) => c.name === from.sourceName) : -1;
    if (oldAt < 0) continue;
    const successor = newSource[oldAt];
    const to = successor ? add.find((c) => c.kind === 'source' && c.sourceName === successor.name) : undefined;
    if (!to || to.kind !== 'source' || oldSource.some((c) => c.name === successor!.name)) continue;
    if (JSON.stringify(from!.kind === 'source' ? from!.sourceType : null) !== JSON.stringify(to.sourceType)) continue;
    rename.push({ from: gone, to: to.targetName });
    drop = drop.filter((n) => n !== gone);
    add = add.filter((c) => c !== to);
  }
  const retype = after.columns.filter((c) => {
    const old = planned(before, c.targetName);
    if (!old || !present(c.targetName)) return false;
    return JSON.stringify(old.targetType) !== JSON.stringify(c.targetType) || (!old.nullable && c.nullable);
  });
  return { add: add.map(targetColumn), drop, retype: retype.map(targetColumn), rename };
}

function planned(plan: TablePlan, targetName: string): ColumnPlan | undefined {
  return plan.columns.find((c) => c.targetName === targetName);
}

function targetColumn(c: ColumnPlan): TargetColumn {
  return { name: c.targetName, type: c.targetType, nullable: c.nullable };
}

function describe(a: TableAlteration): string {
  return [
    a.add.length > 0 ? `added ${a.add.map((c) => c.name).join(', ')}` : '',
    a.drop.length > 0 ? `dropped ${a.drop.join(', ')}` : '',
    a.rename.length > 0 ? `renamed ${a.rename.map((r) => `${r.from} to ${r.to}`).join(', ')}` : '',
    a.retype.length > 0 ? `changed the type of ${a.retype.map((c) => c.name).join(', ')}` : '',
  ]
    .filter((p) => p !== '')
    .join('; ');
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}...` : one;
}
