/**
 * UpdateSubscriptionsToEventBridge. DMS converts up to 10 active, enabled SNS subscriptions
 * per call into EventBridge rules, and refuses unless every replication instance runs 3.4.5 or
 * later (ForceMove skips that check). OpenDMS has no EventBridge: it applies the same checks,
 * marks the subscriptions as moved, and its Result says that no rule was created.
 */
import type { Scope } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { invalidState } from '../shared/faults.js';

const batchSize = 10;
const minimumVersion = [3, 4, 5];

/** True when a DMS engine version (e.g. "3.5.3") is at least 3.4.5. */
export function supportsEventBridge(engineVersion: string): boolean {
  const parts = engineVersion.split('.').map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < minimumVersion.length; i++) {
    const have = Number.isNaN(parts[i] ?? 0) ? 0 : (parts[i] ?? 0);
    if (have !== minimumVersion[i]) return have > minimumVersion[i]!;
  }
  return true;
}

export function moveSubscriptionsToEventBridge(deps: ControlDeps, scope: Scope, forceMove: boolean): string {
  const { repos, store, clock } = deps;
  return store.tx(() => {
    if (!forceMove) {
      const old = repos.instances.list(scope).filter((i) => !supportsEventBridge(i.engineVersion));
      if (old.length > 0) {
        throw invalidState(
          `Replication instance(s) ${old.map((i) => `${i.identifier} (${i.engineVersion})`).join(', ')} run a DMS version earlier than 3.4.5; upgrade them to 3.4.5 or later, or call again with ForceMove set to true (some events might then not be available through EventBridge).`,
        );
      }
    }
    const candidates = repos.eventSubscriptions.list(scope).filter((s) => s.status === 'active' && s.enabled && s.movedToEventBridgeAt === undefined);
    const batch = candidates.slice(0, batchSize);
    const at = clock.now().toISOString();
    for (const s of batch) repos.eventSubscriptions.update({ ...s, movedToEventBridgeAt: at });
    const remaining = candidates.length - batch.length;
    return (
      `${batch.length} event subscription(s) marked as moved to Amazon EventBridge, ${remaining} remaining to be migrated. ` +
      'OpenDMS has no EventBridge: no rules were created and no notifications will be delivered; marked subscriptions are no longer reported as SNS targets in the OpenDMS log.'
    );
  });
}
