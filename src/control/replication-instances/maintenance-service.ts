/**
 * Pending maintenance actions (DescribePendingMaintenanceActions) and the opt-ins to them
 * (ApplyPendingMaintenanceAction): `immediate` starts the upgrade now (`upgrading` ->
 * `available` on the new version), `next-maintenance` waits for the instance's maintenance
 * window, `undo-opt-in` withdraws a `next-maintenance` opt-in.
 */
import type { Scope } from '../../api/dispatch.js';
import { ResourceNotFoundFault } from '../../api/generated/errors.js';
import type { ResourcePendingMaintenanceActions } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import { instanceMessages, recordInstanceEvent } from './instance-events.js';
import { instanceLifecycle } from './instance-lifecycle.js';
import type { InstanceService } from './instance-service.js';
import type { InstanceSteps } from './instance-steps.js';
import { toPendingMaintenanceAction } from './instance-mapper.js';
import { pendingActionsOf } from './maintenance-actions.js';
import { nextWindowStart } from './maintenance-window.js';
import type { InstanceRecord } from './record.js';

const optInTypes = ['immediate', 'next-maintenance', 'undo-opt-in'];

export class MaintenanceService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly instances: InstanceService,
    private readonly steps: InstanceSteps,
  ) {}

  /** The instance's pending actions in the AWS shape; `undefined` when none is pending. */
  view(r: InstanceRecord): ResourcePendingMaintenanceActions | undefined {
    const actions = pendingActionsOf(r);
    if (actions.length === 0) return undefined;
    const now = this.deps.clock.now();
    return {
      ResourceIdentifier: r.arn,
      PendingMaintenanceActionDetails: actions.map((a) =>
        toPendingMaintenanceAction(a, a.optIn?.optIn === 'immediate' ? new Date(a.optIn.at) : a.optIn ? nextWindowStart(r.preferredMaintenanceWindow, now) : undefined),
      ),
    };
  }

  apply(scope: Scope, arn: string, action: string, optInType: string): ResourcePendingMaintenanceActions {
    const { store, repos, clock, events } = this.deps;
    if (!optInTypes.includes(optInType)) {
      throw invalidParameter(`OptInType '${optInType}' is not valid: use immediate, next-maintenance or undo-opt-in.`);
    }
    return store.tx(() => {
      const r = this.instances.get(scope, arn);
      const pending = pendingActionsOf(r).find((a) => a.action === action);
      if (!pending) {
        throw new ResourceNotFoundFault(
          `Replication instance ${r.identifier} has no pending maintenance action '${action}'. DescribePendingMaintenanceActions lists the actions that are pending.`,
        );
      }
      const optIns = { ...r.maintenanceOptIns };
      let next: InstanceRecord;
      if (optInType === 'immediate') {
        optIns[action] = { optIn: 'immediate', at: clock.now().toISOString() };
        // The upgrade takes the instance offline, so changes deferred earlier are applied with it.
        next = repos.instances.update({
          ...r,
          status: instanceLifecycle.move(r.status, 'upgrading', r.identifier, 'apply maintenance to'),
          pendingChanges: { ...r.pendingChanges, engineVersion: pending.targetVersion },
          maintenanceOptIns: optIns,
        });
        recordInstanceEvent(events, scope, next, ['maintenance'], instanceMessages.maintenanceStarted);
        this.steps.cancelAll(r.arn);
        this.steps.settleLater(r.arn);
      } else if (optInType === 'next-maintenance') {
        if (pending.optIn?.optIn === 'immediate') return this.view(r)!;
        optIns[action] = { optIn: 'next-maintenance', at: clock.now().toISOString() };
        next = repos.instances.update({ ...r, maintenanceOptIns: optIns });
        this.steps.planWindow(next);
      } else {
        if (pending.optIn?.optIn === 'immediate') {
          throw invalidParameter(`The immediate opt-in to '${action}' on replication instance ${r.identifier} is being applied and cannot be undone.`);
        }
        delete optIns[action];
        next = repos.instances.update({ ...r, maintenanceOptIns: optIns });
        this.steps.planWindow(next);
      }
      return this.view(next) ?? { ResourceIdentifier: r.arn, PendingMaintenanceActionDetails: [] };
    });
  }
}
