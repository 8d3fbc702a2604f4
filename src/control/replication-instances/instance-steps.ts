/**
 * The scheduled steps of replication instances. Every transitional status (`creating`,
 * `modifying`, `rebooting`, `upgrading`, `deleting`) ends through the `settle` step, due
 * `provisioningDelayMs` after it began; the `maintenance-window` step opens the weekly window
 * when deferred changes or `next-maintenance` opt-ins are waiting. Steps are persisted by the
 * scheduler, so one that fell due while the server was down runs after the restart; each
 * step looks at the current status first, so running it twice changes nothing.
 */
import type { Scope } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { parseArn } from '../shared/arn.js';
import { compareVersions } from './engine-versions.js';
import { changeMessages, instanceMessages, recordInstanceEvent } from './instance-events.js';
import { regionZones } from './instance-classes.js';
import { instanceLifecycle } from './instance-lifecycle.js';
import { addressesFor, pickZone } from './instance-settings.js';
import { liveOptIns, pendingActionsOf } from './maintenance-actions.js';
import { nextWindowStart } from './maintenance-window.js';
import type { InstanceRecord, InstanceStatus, PendingInstanceChanges } from './record.js';

const settleKind = 'replication-instance.settle';
const windowKind = 'replication-instance.maintenance-window';

export const scopeOfArn = (arn: string): Scope => {
  const p = parseArn(arn);
  if (!p) throw new Error(`not a DMS ARN: ${arn}`);
  return { account: p.account, region: p.region };
};

export const hasChanges = (c: PendingInstanceChanges): boolean => Object.values(c).some((v) => v !== undefined);

export class InstanceSteps {
  constructor(private readonly deps: ControlDeps) {}

  register(): void {
    this.deps.scheduler.on(settleKind, (job) => this.settle(job.key));
    this.deps.scheduler.on(windowKind, (job) => this.openWindow(job.key));
  }

  /** Ends the current transitional status after the provisioning delay (call inside the status change's transaction). */
  settleLater(arn: string): void {
    this.deps.scheduler.schedule(settleKind, arn, this.deps.settings.provisioningDelayMs);
  }

  /** Schedules the next maintenance window when something waits for it; otherwise cancels it. */
  planWindow(r: InstanceRecord): void {
    const { scheduler, clock } = this.deps;
    if (!this.windowWork(r)) {
      scheduler.cancel(windowKind, r.arn);
      return;
    }
    const now = clock.now();
    scheduler.schedule(windowKind, r.arn, nextWindowStart(r.preferredMaintenanceWindow, now).getTime() - now.getTime());
  }

  cancelAll(arn: string): void {
    this.deps.scheduler.cancel(windowKind, arn);
  }

  /** The changes the maintenance window would apply: deferred ones plus `next-maintenance` upgrades. */
  windowWork(r: InstanceRecord): PendingInstanceChanges | undefined {
    let changes: PendingInstanceChanges = { ...r.pendingChanges };
    for (const a of pendingActionsOf(r)) {
      if (a.optIn?.optIn !== 'next-maintenance') continue;
      if (changes.engineVersion === undefined || compareVersions(changes.engineVersion, a.targetVersion) < 0) changes = { ...changes, engineVersion: a.targetVersion };
    }
    return hasChanges(changes) ? changes : undefined;
  }

  settle(arn: string): void {
    const { store, repos, tags, events } = this.deps;
    store.tx(() => {
      const r = repos.instances.get(arn);
      if (!r) return;
      const scope = scopeOfArn(arn);
      switch (r.status) {
        case 'creating': {
          const next = repos.instances.update({ ...r, status: instanceLifecycle.move(r.status, 'available', r.identifier, 'finish creating') });
          recordInstanceEvent(events, scope, next, ['creation'], instanceMessages.created);
          return;
        }
        case 'modifying':
        case 'rebooting':
        case 'upgrading': {
          const next = repos.instances.update(this.applied(scope, r));
          for (const e of changeMessages(r, r.pendingChanges, 'done')) recordInstanceEvent(events, scope, next, e.categories, e.message);
          if (r.status === 'rebooting') {
            if (r.rebootWithFailover) recordInstanceEvent(events, scope, next, ['failover'], instanceMessages.failoverComplete);
            recordInstanceEvent(events, scope, next, [], instanceMessages.restarted);
          }
          this.planWindow(next);
          return;
        }
        case 'deleting':
          repos.instances.delete(arn);
          tags.removeAll(arn);
          this.cancelAll(arn);
          recordInstanceEvent(events, scope, r, ['deletion'], instanceMessages.deleted);
          return;
        default:
          return; // already settled: a step repeated after a restart
      }
    });
  }

  /** The maintenance window opened: apply what waits for it, unless the instance is busy (its own settle re-plans the window). */
  openWindow(arn: string): void {
    const { store, repos, events } = this.deps;
    store.tx(() => {
      const r = repos.instances.get(arn);
      if (!r || r.status !== 'available') return;
      const changes = this.windowWork(r);
      if (!changes) return;
      const scope = scopeOfArn(arn);
      const status: InstanceStatus = changes.engineVersion !== undefined && changes.engineVersion !== r.engineVersion ? 'upgrading' : 'modifying';
      const next = repos.instances.update({ ...r, status: instanceLifecycle.move(r.status, status, r.identifier, 'start maintenance on'), pendingChanges: changes });
      for (const e of changeMessages(r, changes, 'starting')) recordInstanceEvent(events, scope, next, e.categories, e.message);
      this.settleLater(arn);
    });
  }

  /** The instance once its pending changes (and a failover) took effect, back to `available`. */
  private applied(scope: Scope, r: InstanceRecord): InstanceRecord {
    const c = r.pendingChanges;
    const group = this.deps.repos.subnetGroups.byIdentifier(scope, r.subnetGroupIdentifier);
    const zones = group ? [...new Set(group.subnets.map((s) => s.availabilityZone))] : regionZones(scope.region);
    const multiAz = c.multiAz ?? r.multiAz;
    let az = r.availabilityZone;
    let secondary = r.secondaryAvailabilityZone;
    if (r.rebootWithFailover && secondary) [az, secondary] = [secondary, az];
    if (!multiAz) secondary = undefined;
    else if (secondary === undefined) secondary = pickZone(zones, `${r.arn}/standby`, az);
    const networkType = c.networkType ?? r.networkType;
    const next: InstanceRecord = {
      ...r,
      status: instanceLifecycle.move(r.status, 'available', r.identifier, 'finish'),
      instanceClass: c.instanceClass ?? r.instanceClass,
      allocatedStorage: c.allocatedStorage ?? r.allocatedStorage,
      engineVersion: c.engineVersion ?? r.engineVersion,
      multiAz,
      availabilityZone: az,
      networkType,
      ...addressesFor(networkType),
      pendingChanges: {},
    };
    const { secondaryAvailabilityZone: _dropped, rebootWithFailover: _done, ...rest } = next;
    const settled: InstanceRecord = { ...rest, ...(secondary !== undefined ? { secondaryAvailabilityZone: secondary } : {}) };
    return { ...settled, maintenanceOptIns: liveOptIns(settled) };
  }
}
