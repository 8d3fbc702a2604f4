/**
 * Every individual assessment OpenDMS implements, by its DMS name. The names are DMS's API
 * keys (IncludeOnly / Exclude / IndividualAssessmentName), so a name appears here only for
 * the engines DMS has it for; `applies` narrows each to the endpoints and migration types
 * DMS offers it for.
 */
import { genericChecks } from './checks/generic/index.js';
import { mariadbChecks, mysqlChecks } from './checks/mysql/index.js';
import { postgresChecks } from './checks/postgres/index.js';
import type { IndividualAssessment, MigrationType } from './types.js';

const all: readonly IndividualAssessment[] = [...genericChecks, ...postgresChecks, ...mysqlChecks, ...mariadbChecks];

const byName: ReadonlyMap<string, IndividualAssessment> = new Map(all.map((a) => [a.name, a]));
if (byName.size !== all.length) {
  // Two checks with one name would make results ambiguous: fail at load, in every test run.
  const seen = new Set<string>();
  const twice = all.filter((a) => (seen.has(a.name) ? true : (seen.add(a.name), false))).map((a) => a.name);
  throw new Error(`assessment names must be unique: ${twice.join(', ')}`);
}

/** The check of that name, or undefined. */
export function assessmentByName(name: string): IndividualAssessment | undefined {
  return byName.get(name);
}

/** Every individual assessment OpenDMS implements, sorted by name. */
export function assessmentNames(): string[] {
  return [...byName.keys()].sort();
}

/** The names that apply to a task with these DMS engine names and migration type, sorted. */
export function applicableAssessments(sourceEngine: string, targetEngine: string, migrationType: MigrationType): string[] {
  return all.filter((a) => a.applies(sourceEngine, targetEngine, migrationType)).map((a) => a.name).sort();
}
