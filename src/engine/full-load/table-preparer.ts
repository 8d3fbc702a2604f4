/**
 * Gets a target table ready for its load, per TargetTablePrepMode:
 * - DROP_AND_CREATE: drop when present, create from the plan;
 * - TRUNCATE_BEFORE_LOAD: truncate when present, otherwise create (as DMS does);
 * - DO_NOTHING: create only when missing; leave data alone, except that resume-processing
 *   truncates a table a previous run left half loaded, so no row is loaded twice; and so does
 *   ReloadTables (`reload`), which loads the table again from scratch: appending would
 *   duplicate every row the first load wrote.
 * With CreatePkAfterFullLoad a table created here gets its primary key after the load.
 */
import type { DdlNotice, TargetSession, TargetTableDef } from '../../connectors/spi/index.js';
import type { TablePlan } from '../mapping/index.js';
import type { EngineSettings, StartType } from '../ports.js';

/** The target table a plan describes; `nullable` columns are created nullable whatever the plan says (LOBs left out). */
export function tableDefOf(plan: TablePlan, nullable: ReadonlySet<string> = new Set()): TargetTableDef {
  return {
    schema: plan.target.schema,
    name: plan.target.name,
    columns: plan.columns.map((c) => ({ name: c.targetName, type: c.targetType, nullable: c.nullable || (c.kind === 'source' && nullable.has(c.sourceName)) })),
    primaryKey: plan.primaryKey,
  };
}

export interface PreparedTable {
  /**
   * True when the table still needs its primary key after the load: this run created it
   * without one, or (resume, reload) an earlier run did and stopped before adding it.
   */
  readonly created: boolean;
  /** What was done, for the task log: `dropped and created`, `truncated`, `kept` ... */
  readonly actions: readonly string[];
  readonly notices: readonly DdlNotice[];
}

export async function prepareTable(opts: {
  readonly target: TargetSession;
  readonly def: TargetTableDef;
  readonly mode: EngineSettings['targetTablePrepMode'];
  readonly startType: StartType;
  readonly pkAfterLoad: boolean;
  /** ReloadTables: the table was (partly) loaded by this run and is loaded again. */
  readonly reload?: boolean;
  readonly signal: AbortSignal;
}): Promise<PreparedTable> {
  const { target, def, mode, signal } = opts;
  const ref = { schema: def.schema, name: def.name };
  const exists = await target.tableExists(ref, signal);
  const create = async (actions: string[]): Promise<PreparedTable> => {
    await target.ensureSchema(def.schema, signal);
    const notices = await target.createTable(def, { withPrimaryKey: !opts.pkAfterLoad || def.primaryKey.length === 0 }, signal);
    actions.push(opts.pkAfterLoad && def.primaryKey.length > 0 ? 'created (primary key after the load)' : 'created');
    return { created: true, actions, notices };
  };
  switch (mode) {
    case 'DROP_AND_CREATE': {
      const actions: string[] = [];
      if (exists) {
        await target.dropTable(ref, signal);
        actions.push('dropped');
      }
      return create(actions);
    }
    case 'TRUNCATE_BEFORE_LOAD':
      if (!exists) return create(['did not exist']);
      await target.truncateTable(ref, signal);
      return { created: await keyStillPending(opts), actions: ['truncated'], notices: [] };
    case 'DO_NOTHING':
      if (!exists) return create(['did not exist']);
      if (opts.reload) {
        await target.truncateTable(ref, signal);
        return { created: await keyStillPending(opts), actions: ['truncated (ReloadTables loads the table again from scratch)'], notices: [] };
      }
      if (opts.startType === 'resume-processing') {
        await target.truncateTable(ref, signal);
        return { created: await keyStillPending(opts), actions: ['truncated (resume-processing reloads a table the previous run did not complete)'], notices: [] };
      }
      return { created: false, actions: ['kept as is'], notices: [] };
  }
}

/**
 * A table kept from an earlier run of the task that was to get its key after the load, and
 * stopped before: resume-processing and ReloadTables add it once the table is loaded again.
 * Only then: a first start never adds a key to a table the user made.
 */
async function keyStillPending(opts: { target: TargetSession; def: TargetTableDef; pkAfterLoad: boolean; startType: StartType; reload?: boolean; signal: AbortSignal }): Promise<boolean> {
  if (!opts.pkAfterLoad || opts.def.primaryKey.length === 0 || !opts.target.hasPrimaryKey) return false;
  if (opts.startType !== 'resume-processing' && !opts.reload) return false;
  return !(await opts.target.hasPrimaryKey(opts.def, opts.signal));
}
