/**
 * The ConnectorErrors of change capture, built the way postgres-errors.ts builds them (the
 * target in the message, what to change in the hint), and the classifier of what the
 * walsender says, which knows the replication-specific SQLSTATEs before falling back to
 * classifyPostgresError.
 */
import { OpenDmsError } from '../../../common/errors.js';
import { ConnectorError, type ClassifiedError } from '../../spi/connection-error.js';
import { classifyPostgresError } from '../postgres-errors.js';

export const reloadHint = "reload the task's tables (StartReplicationTask with reload-target) to copy the data again and start capture anew";

export function notConfigured(target: string, message: string, hint: string): ConnectorError {
  return new ConnectorError({ kind: 'not-configured', message: `PostgreSQL at ${target}: ${message}`, hint });
}

export function slotMissing(target: string, slot: string, cause?: unknown): ConnectorError {
  return new ConnectorError(
    {
      kind: 'history-lost',
      message: `PostgreSQL at ${target}: the replication slot "${slot}" of this task does not exist any more (it was dropped), so the changes since the last checkpoint are gone`,
      hint: reloadHint,
    },
    { cause },
  );
}

export function slotInvalidated(target: string, slot: string, detail: string, cause?: unknown): ConnectorError {
  return new ConnectorError(
    {
      kind: 'history-lost',
      message: `PostgreSQL at ${target}: the replication slot "${slot}" was invalidated and can no longer give changes (${detail})`,
      hint: `${reloadHint}; to keep it from happening again, raise max_slot_wal_keep_size or keep the task running`,
    },
    { cause },
  );
}

/** What the walsender (or a capture catalog statement) raised, classified. */
export function classifyCaptureError(err: unknown, target: string, slot: string): ClassifiedError | ConnectorError {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const text = typeof e?.message === 'string' ? e.message : String(err);
  if (code === '42704' && /replication slot/i.test(text)) return slotMissing(target, slot, err);
  if (code === '55000' && /invalidated|can no longer get changes|wal_status|removed/i.test(text)) return slotInvalidated(target, slot, text, err);
  if (code === '55006') {
    return {
      kind: 'other',
      message: `PostgreSQL at ${target}: the replication slot "${slot}" is in use by another connection (${text})`,
      hint: 'Stop the other reader of the slot (pg_replication_slots.active_pid shows it; pg_terminate_backend(active_pid) ends it), then resume the task.',
    };
  }
  if (code === '57P01' || code === '57P02') {
    return {
      kind: 'network',
      message: `PostgreSQL at ${target} ended the replication connection of slot "${slot}": ${text}`,
      hint: 'The server is shutting down, or someone ended the connection (pg_terminate_backend); the task resumes from its last checkpoint when started again.',
    };
  }
  if (code === '53400') {
    return {
      kind: 'not-configured',
      message: `PostgreSQL at ${target}: ${text}`,
      hint: 'raise max_replication_slots (and max_wal_senders) in postgresql.conf and restart PostgreSQL, or drop unused slots with pg_drop_replication_slot',
    };
  }
  if (code === '42501') {
    return {
      kind: 'not-configured',
      message: `PostgreSQL at ${target} refused a change capture statement: ${text}`,
      hint:
        "Change data capture needs the endpoint's user to have the REPLICATION attribute (ALTER ROLE ... WITH REPLICATION; on Amazon RDS GRANT rds_replication), " +
        'CREATE on the database and ownership of the captured tables, to keep the task\'s publication.',
    };
  }
  return classifyPostgresError(err, target);
}

/** The caller's abort reason when aborted, typed errors as they are, anything else classified. */
export function captureError(err: unknown, signal: AbortSignal | undefined, target: string, slot: string): unknown {
  if (signal?.aborted) return signal.reason;
  if (err instanceof OpenDmsError) return err;
  const c = classifyCaptureError(err, target, slot);
  return c instanceof ConnectorError ? c : new ConnectorError(c, { cause: err });
}
