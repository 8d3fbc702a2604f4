/**
 * OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad: what DMS leaves to its users. Once
 * every table of the full load is completed, the source's secondary indexes, unique
 * constraints, foreign keys and identities are created on the target tables the run made
 * (DROP_AND_CREATE), in the target's names.
 *
 * The source DDL is read through the source connector's schema-DDL access, the statements
 * come from the SecondaryObjectsPlanner port (control implements it with schema conversion),
 * and each object is applied on its own: one failing index is logged with the database's
 * message and does not undo the others. Nothing here fails the run: the data is loaded,
 * and the log says what was created and what was not. A stop ends the phase promptly (the
 * run's signal goes to every database call).
 */
import { messageOf } from '../../common/errors.js';
import type { Connector, SchemaDdlAccess } from '../../connectors/spi/index.js';
import type { TablePlan } from '../mapping/index.js';
import type { SecondaryObjectsPlanner, SecondaryObjectsTable, TaskRunSpec } from '../ports.js';
import type { RunLog } from '../run-context.js';
import { explain } from '../run-errors.js';

const setting = 'CreateSecondaryObjectsAfterFullLoad';

export interface SecondaryObjectsPhase {
  readonly spec: TaskRunSpec;
  /** Every table of the run's plan (all completed). */
  readonly tables: readonly TablePlan[];
  readonly source: Connector;
  readonly target: Connector;
  readonly planner: SecondaryObjectsPlanner | undefined;
  readonly log: RunLog;
  readonly signal: AbortSignal;
}

export interface SecondaryObjectsOutcome {
  readonly created: number;
  readonly failed: number;
  /** The plan's notes: objects left out, or changed by the conversion. */
  readonly notes: number;
}

/** True when the task asks for secondary objects. */
export function wantsSecondaryObjects(spec: TaskRunSpec): boolean {
  return spec.settings.createSecondaryObjectsAfterFullLoad === true;
}

/** The log line of a run that ends without creating them (stopped, failed, tables in error). */
export function logSecondaryObjectsNotCreated(log: RunLog, why: string): void {
  log.log('TARGET_LOAD', 'LOGGER_SEVERITY_WARNING', `${setting}: no secondary objects were created because ${why}`);
}

/**
 * Creates the secondary objects; resolves with the counts (undefined when the phase did not
 * run: DROP_AND_CREATE missing, no planner). Rejects only with the signal's reason on abort.
 */
export async function createSecondaryObjects(p: SecondaryObjectsPhase): Promise<SecondaryObjectsOutcome | undefined> {
  const { spec, log, signal } = p;
  if (spec.settings.targetTablePrepMode !== 'DROP_AND_CREATE') {
    logSecondaryObjectsNotCreated(
      log,
      `it needs FullLoadSettings.TargetTablePrepMode DROP_AND_CREATE (the task has ${spec.settings.targetTablePrepMode}): only then are the target tables the task's own to change. Set DROP_AND_CREATE, or create the objects by hand`,
    );
    return undefined;
  }
  if (!p.planner) {
    logSecondaryObjectsNotCreated(log, 'this server has no secondary-objects planner configured');
    return undefined;
  }
  if (p.tables.length === 0) return { created: 0, failed: 0, notes: 0 };
  log.log('TARGET_LOAD', 'LOGGER_SEVERITY_INFO', `${setting}: reading the source DDL of ${p.tables.length} tables to create their secondary indexes, unique constraints, foreign keys and identities`);

  const tables: SecondaryObjectsTable[] = p.tables.map((t) => ({
    source: t.source,
    target: t.target,
    columns: t.columns.flatMap((c) => (c.kind === 'source' ? [{ source: c.sourceName, target: c.targetName, targetType: c.targetType }] : [])),
  }));
  const schemas = [...new Set(p.tables.map((t) => t.source.schema))];
  let sourceDdl;
  let ddl: SchemaDdlAccess | undefined;
  try {
    ddl = await p.source.openSchemaDdl(spec.source.params, signal);
    sourceDdl = await ddl.dumpSchemaDdl(schemas, signal);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    logFailure(log, `cannot read the DDL of the source schemas ${schemas.join(', ')}: ${explain(err)}`);
    return undefined;
  } finally {
    await ddl?.close().catch(() => undefined);
  }

  let plan;
  try {
    plan = p.planner.plan({ sourceEngine: spec.source.engineName, targetEngine: spec.target.engineName, sourceDdl, tables });
  } catch (err) {
    logFailure(log, `planning them failed: ${messageOf(err)}`);
    return undefined;
  }
  for (const note of plan.notes) log.log('TARGET_LOAD', 'LOGGER_SEVERITY_WARNING', `${setting}: ${note}`);

  let created = 0;
  const failures: string[] = [];
  let target: SchemaDdlAccess | undefined;
  try {
    if (plan.objects.length > 0) target = await p.target.openSchemaDdl(spec.target.params, signal);
    for (const [i, obj] of plan.objects.entries()) {
      signal.throwIfAborted();
      let result;
      try {
        result = await target!.applyDdl(obj.statements, signal);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        // The target cannot be reached: the remaining objects would fail the same way.
        log.log('TARGET_LOAD', 'LOGGER_SEVERITY_ERROR', `${setting}: the target could not be reached while creating ${obj.object} (${explain(err)}); it and the ${plan.objects.length - i - 1} objects after it were not created`);
        failures.push(obj.object);
        break;
      }
      if (result.failures.length === 0) {
        created++;
        log.log('TARGET_LOAD', 'LOGGER_SEVERITY_INFO', `${setting}: created ${obj.object}`);
      } else {
        failures.push(obj.object);
        const why = result.failures.map((f) => `${f.message} [${excerpt(f.sql)}]`).join('; ');
        log.log('TARGET_LOAD', 'LOGGER_SEVERITY_ERROR', `${setting}: could not create ${obj.object}: ${why}`);
      }
    }
  } catch (err) {
    if (signal.aborted) {
      log.log('TARGET_LOAD', 'LOGGER_SEVERITY_WARNING', `${setting}: the task stopped while secondary objects were being created: ${created} of ${plan.objects.length} were created, the others were not`);
      throw signal.reason;
    }
    logFailure(log, `the target's schema access failed: ${explain(err)}`);
    return undefined;
  } finally {
    await target?.close().catch(() => undefined);
  }
  const outcome = { created, failed: failures.length, notes: plan.notes.length };
  log.log(
    'TARGET_LOAD',
    failures.length > 0 ? 'LOGGER_SEVERITY_WARNING' : 'LOGGER_SEVERITY_INFO',
    `${setting}: ${created} of ${plan.objects.length} secondary objects created${failures.length > 0 ? `, ${failures.length} failed (see the errors above)` : ''}${plan.notes.length > 0 ? `, ${plan.notes.length} notes about objects left out or changed (see the warnings above)` : ''}`,
  );
  return outcome;
}

/**
 * Before the tables are prepared: DROP_AND_CREATE drops them again, which PostgreSQL refuses
 * while foreign keys an earlier run created reference them. Those (between the task's own
 * target tables only) are dropped first; the end of the run creates them again. Nothing here
 * stops the run: a drop that fails is a warning, and the table's own drop then says why.
 */
export async function dropSecondaryForeignKeys(p: Omit<SecondaryObjectsPhase, 'source'>): Promise<void> {
  const { spec, log, signal, planner } = p;
  if (spec.settings.targetTablePrepMode !== 'DROP_AND_CREATE' || !planner || p.tables.length === 0) return;
  const targets = p.tables.map((t) => t.target);
  const schemas = [...new Set(targets.map((t) => t.schema))];
  let ddl: SchemaDdlAccess | undefined;
  try {
    ddl = await p.target.openSchemaDdl(spec.target.params, signal);
    let dump;
    try {
      dump = await ddl.dumpSchemaDdl(schemas, signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      // A first run's target schema may not exist yet: then there is nothing to drop.
      log.log('TARGET_LOAD', 'LOGGER_SEVERITY_DEBUG', `${setting}: no foreign keys to drop before the load (the target DDL could not be read: ${explain(err)})`);
      return;
    }
    for (const drop of planner.foreignKeysToDrop({ targetDdl: dump, tables: targets })) {
      const result = await ddl.applyDdl([drop.sql], signal);
      if (result.failures.length === 0) {
        log.log('TARGET_LOAD', 'LOGGER_SEVERITY_INFO', `${setting}: dropped ${drop.object} (an earlier run's) so that its tables can be dropped and created again; it is created again after the load`);
      } else {
        log.log('TARGET_LOAD', 'LOGGER_SEVERITY_WARNING', `${setting}: could not drop ${drop.object} before the load: ${result.failures.map((f) => f.message).join('; ')}`);
      }
    }
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    log.log('TARGET_LOAD', 'LOGGER_SEVERITY_WARNING', `${setting}: could not drop the foreign keys between the task's target tables before the load: ${explain(err)}`);
  } finally {
    await ddl?.close().catch(() => undefined);
  }
}

function logFailure(log: RunLog, message: string): void {
  log.log('TARGET_LOAD', 'LOGGER_SEVERITY_ERROR', `${setting}: no secondary objects were created: ${message}`);
}

function excerpt(sql: string): string {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 197)}...` : one;
}
