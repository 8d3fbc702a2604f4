/**
 * The status moves of a premigration assessment run, and the rule that turns the individual
 * results into the run's status.
 *
 * ```
 * starting --> provisioning --> running --> passed | warning | failed | error-executing
 * starting | provisioning --> error-provisioning          (endpoints or result location unusable)
 * starting | provisioning | running --Cancel--> cancelling --> cancelled
 * every end --Delete--> deleting --> gone
 * ```
 */
import type { IndividualStatus } from '../../assessment/types.js';
import { Lifecycle } from '../lifecycle/lifecycle.js';
import type { RunStatus } from './record.js';

const ended = ['deleting'] as const;

export const runLifecycle = new Lifecycle<RunStatus>('premigration assessment run', {
  starting: ['provisioning', 'cancelling', 'error-provisioning'],
  provisioning: ['running', 'cancelling', 'error-provisioning'],
  running: ['passed', 'warning', 'failed', 'error-executing', 'cancelling'],
  cancelling: ['cancelled'],
  cancelled: [...ended],
  passed: [...ended],
  warning: [...ended],
  failed: [...ended],
  'error-provisioning': [...ended],
  'error-executing': [...ended],
  deleting: [],
});

/**
 * The status of a run whose individual assessments all ended, following DMS's definitions:
 * `failed` when at least one failed; `warning` when at least one warned or all were skipped;
 * `passed` when none failed. DMS leaves open what an individual `error` makes of the run; in
 * OpenDMS it is `error-executing` (DMS's "an error occurred while individual assessments ran")
 * unless one failed, because a run with a check that could not run has not shown that the task
 * is fine: neither `passed` nor `warning` would be true. So: failed > error-executing >
 * warning > passed.
 */
export function overallStatus(statuses: readonly IndividualStatus[]): 'passed' | 'warning' | 'failed' | 'error-executing' {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('error')) return 'error-executing';
  if (statuses.includes('warning')) return 'warning';
  if (statuses.length > 0 && statuses.every((s) => s === 'skipped')) return 'warning';
  return 'passed';
}
