/**
 * DMS's ErrorBehavior for a row the target refused, as a pure decision: what happens to the
 * row, the table and the task, given the policies and how many data errors the table has had.
 */
import type { EngineSettings } from '../ports.js';

export type DataErrorDecision =
  /** Skip the row; `log` says whether the task log names it (LOG_ERROR) or not (IGNORE_RECORD). */
  | { readonly action: 'skip'; readonly log: boolean }
  | { readonly action: 'suspend-table'; readonly escalated: boolean }
  | { readonly action: 'stop-task'; readonly escalated: boolean };

/**
 * `errorCount` is the table's number of data errors including this one. Escalation
 * (DataErrorEscalationCount > 0) takes over once the count reaches the limit.
 */
export function decideDataError(
  behavior: EngineSettings['errorBehavior'],
  opts: { readonly truncation: boolean; readonly errorCount: number },
): DataErrorDecision {
  const limit = behavior.dataErrorEscalationCount;
  if (limit > 0 && opts.errorCount >= limit) {
    switch (behavior.dataErrorEscalationPolicy) {
      case 'SUSPEND_TABLE':
        return { action: 'suspend-table', escalated: true };
      case 'STOP_TASK':
        return { action: 'stop-task', escalated: true };
      case 'LOG_ERROR':
        return { action: 'skip', log: true };
    }
  }
  const policy = opts.truncation ? behavior.dataTruncationErrorPolicy : behavior.dataErrorPolicy;
  switch (policy) {
    case 'IGNORE_RECORD':
      return { action: 'skip', log: false };
    case 'LOG_ERROR':
      return { action: 'skip', log: true };
    case 'SUSPEND_TABLE':
      return { action: 'suspend-table', escalated: false };
    case 'STOP_TASK':
      return { action: 'stop-task', escalated: false };
  }
}

export type TableErrorDecision = 'suspend-table' | 'stop-task';

/** A table that cannot be loaded at all (DDL refused, read failed): TableErrorPolicy. */
export function decideTableError(behavior: EngineSettings['errorBehavior']): TableErrorDecision {
  return behavior.tableErrorPolicy === 'STOP_TASK' ? 'stop-task' : 'suspend-table';
}
