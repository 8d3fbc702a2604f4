/**
 * Which maintenance actions are pending for an instance. The only one OpenDMS schedules is
 * DMS's `db-upgrade`: an instance on an older engine version of its major series has the
 * upgrade to the newest production version of that series pending. Nothing applies it
 * automatically: it waits for an opt-in (ApplyPendingMaintenanceAction), so
 * AutoAppliedAfterDate and ForcedApplyDate stay empty.
 */
import { maintenanceUpgradeFor } from './engine-versions.js';
import type { InstanceRecord, MaintenanceOptIn } from './record.js';

export interface PendingAction {
  readonly action: string;
  readonly description: string;
  /** The engine version the action moves the instance to. */
  readonly targetVersion: string;
  readonly optIn?: MaintenanceOptIn;
}

export function pendingActionsOf(r: InstanceRecord): PendingAction[] {
  const target = maintenanceUpgradeFor(r.engineVersion);
  if (!target) return [];
  const optIn = r.maintenanceOptIns['db-upgrade'];
  return [{ action: 'db-upgrade', description: `Upgrade to AWS DMS version ${target}`, targetVersion: target, ...(optIn ? { optIn } : {}) }];
}

/** Opt-ins of actions that are still pending (an opt-in whose action went away is dropped). */
export function liveOptIns(r: InstanceRecord): Record<string, MaintenanceOptIn> {
  const out: Record<string, MaintenanceOptIn> = {};
  for (const a of pendingActionsOf(r)) if (a.optIn) out[a.action] = a.optIn;
  return out;
}
