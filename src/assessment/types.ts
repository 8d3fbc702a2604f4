/**
 * Premigration assessments: the contract between the control plane (assessment runs: API,
 * lifecycle, result files) and the checks (this folder). A check runs against the task's
 * real source and target through read-only SQL (connectors/spi/inspector.ts) and the
 * source's catalog (SourceSession.listTables), and says what it found and how to fix it.
 */
import type { ConnectionParams, SqlInspector, TableInfo } from '../connectors/spi/index.js';

export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** Status of one individual assessment, as DMS spells them. */
export type IndividualStatus = 'pending' | 'running' | 'passed' | 'warning' | 'failed' | 'error' | 'cancelled' | 'skipped';

export interface EndpointUnderTest {
  /** The DMS engine name (postgres, aurora-postgresql, mysql, mariadb, aurora ...). */
  readonly engineName: string;
  readonly params: ConnectionParams;
}

/** What a run assesses: the task's endpoints, migration type, mappings and settings. */
export interface AssessmentSubject {
  readonly source: EndpointUnderTest;
  readonly target: EndpointUnderTest;
  readonly migrationType: MigrationType;
  /** The task's TableMappings document (JSON text). */
  readonly tableMappings: string;
  /** The task's merged ReplicationTaskSettings document (parsed JSON). */
  readonly taskSettings: Record<string, unknown>;
}

/** One finding: an object (table, column, setting, privilege) and what is wrong with it. */
export interface Finding {
  /** `schema.table`, `schema.table.column`, a server setting name, a privilege. */
  readonly object: string;
  readonly detail: string;
}

/** The outcome of one individual assessment. */
export interface IndividualResult {
  readonly name: string;
  readonly status: 'passed' | 'warning' | 'failed' | 'error' | 'cancelled' | 'skipped';
  /** One sentence: what was checked and what was found. */
  readonly summary: string;
  /** What to change, when the status is warning or failed (or skipped: why and how to run it). */
  readonly advice?: string;
  readonly findings: readonly Finding[];
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** What a check gets: live access to both sides (opened lazily, shared, closed by the runner). */
export interface CheckContext {
  readonly subject: AssessmentSubject;
  source(): Promise<SqlInspector>;
  target(): Promise<SqlInspector>;
  /** The source tables the task's selection rules include (planned once per run). */
  selectedTables(): Promise<readonly TableInfo[]>;
  readonly signal: AbortSignal;
}

/** A check's verdict; the runner adds name and times. */
export type CheckVerdict = Omit<IndividualResult, 'name' | 'startedAt' | 'finishedAt'>;

export interface IndividualAssessment {
  /** The DMS API key (IncludeOnly / Exclude / IndividualAssessmentName). */
  readonly name: string;
  /** Whether it applies to a task with these endpoints and migration type. */
  applies(sourceEngine: string, targetEngine: string, migrationType: MigrationType): boolean;
  run(ctx: CheckContext): Promise<CheckVerdict>;
}

/** Progress callbacks of a running assessment run (control persists them). */
export interface RunObserver {
  started(name: string, at: string): void;
  finished(result: IndividualResult): void;
}
