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
