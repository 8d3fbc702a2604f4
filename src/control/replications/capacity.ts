/**
 * How much a serverless replication provisions, and what that capacity lets its run do.
 * OpenDMS sizes from the source's real workload as its catalog estimates it: one DMS capacity
 * unit (DCU) per started GiB of table data, rounded up to a DCU value DMS offers and kept
 * between the config's MinCapacityUnits and MaxCapacityUnits. The capacity bounds the run's
 * parallelism: at most one table or segment per DCU loads at once (DCU 1 -> 1, 2 -> 2, 4 -> 4
 * ...), never more than the config's MaxFullLoadSubTasks.
 */
import { capacityUnitValues } from '../replication-configs/compute-config.js';

const bytesPerUnit = 1024 ** 3;

export function capacityFor(totalBytes: number, bounds: { readonly min: number; readonly max: number }): number {
  const needed = Math.max(1, Math.ceil(totalBytes / bytesPerUnit));
  const value = capacityUnitValues.find((v) => v >= needed) ?? capacityUnitValues[capacityUnitValues.length - 1]!;
  return Math.min(bounds.max, Math.max(bounds.min, value));
}

/** The most tables or segments the run loads at once with `units` DCUs. */
export function parallelismFor(units: number, maxFullLoadSubTasks: number): number {
  return Math.max(1, Math.min(units, maxFullLoadSubTasks));
}

/**
 * Row changes per second one DCU applies. DMS does not publish its figure; OpenDMS sizes change
 * data capture at 500 changes/s per DCU, so a replication whose change rate outgrows its
 * capacity is offered more (IsNewProvisioningAvailable) and one that idles is offered less.
 */
export const changesPerSecondPerUnit = 500;

/** The capacity the workload needs: the larger of what its data (capacityFor) and its change rate need, between Min and Max. */
export function capacityForWorkload(w: { readonly totalBytes: number; readonly changesPerSecond: number }, bounds: { readonly min: number; readonly max: number }): number {
  const forRate = Math.max(1, Math.ceil(w.changesPerSecond / changesPerSecondPerUnit));
  const value = capacityUnitValues.find((v) => v >= forRate) ?? capacityUnitValues[capacityUnitValues.length - 1]!;
  return Math.max(capacityFor(w.totalBytes, bounds), Math.min(bounds.max, Math.max(bounds.min, value)));
}

/**
 * Re-evaluated while a replication runs: the capacity its observed change rate and its table
 * sizes need, and why, when that differs from what is provisioned; undefined when it does not.
 * The new capacity applies at the next start.
 */
export function newProvisioningFor(
  provisioned: number,
  w: { readonly totalBytes: number; readonly changesPerSecond: number },
  bounds: { readonly min: number; readonly max: number },
): { readonly units: number; readonly reason: string } | undefined {
  const units = capacityForWorkload(w, bounds);
  if (units === provisioned) return undefined;
  const rate = Math.round(w.changesPerSecond * 10) / 10;
  const gib = Math.round((w.totalBytes / 1024 ** 3) * 100) / 100;
  const forRate = Math.max(1, Math.ceil(w.changesPerSecond / changesPerSecondPerUnit));
  return {
    units,
    reason:
      `Peak change rate ${rate}/s needs ${forRate} DCU (${changesPerSecondPerUnit} changes/s per DCU) and ${gib} GiB of source tables need ${capacityFor(w.totalBytes, { min: 1, max: Number.MAX_SAFE_INTEGER })} DCU: ` +
      `${units} DCU (between MinCapacityUnits ${bounds.min} and MaxCapacityUnits ${bounds.max}) instead of the ${provisioned} DCU provisioned. ` +
      `The new capacity applies when the replication is next started.`,
  };
}
