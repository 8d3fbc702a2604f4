/**
 * The orderable replication instance classes (DescribeOrderableReplicationInstances), with
 * DMS's storage bounds: gp2 storage from 5 to 6144 GiB, 50 GiB by default and included for
 * the burstable T classes, 100 GiB for the others. The class does not size anything here
 * (the worker is this process); it is kept, validated and reported as DMS does.
 */
import { invalidParameter } from '../../common/errors.js';

export interface InstanceClassInfo {
  readonly name: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly minStorage: number;
  readonly maxStorage: number;
  readonly defaultStorage: number;
  readonly includedStorage: number;
}

const family = (prefix: string, burstable: boolean, sizes: readonly (readonly [string, number, number])[]): InstanceClassInfo[] =>
  sizes.map(([size, vcpu, memoryGiB]) => ({
    name: `dms.${prefix}.${size}`,
    vcpu,
    memoryGiB,
    minStorage: 5,
    maxStorage: 6144,
    defaultStorage: burstable ? 50 : 100,
    includedStorage: burstable ? 50 : 100,
  }));

/** From the DMS User Guide's tables of replication instance types. */
export const instanceClasses: readonly InstanceClassInfo[] = [
  ...family('t2', true, [['micro', 1, 1], ['small', 1, 2], ['medium', 2, 4], ['large', 2, 8]]),
  ...family('t3', true, [['micro', 2, 1], ['small', 2, 2], ['medium', 2, 4], ['large', 2, 8]]),
  ...family('c4', false, [['large', 2, 3.75], ['xlarge', 4, 7.5], ['2xlarge', 8, 15], ['4xlarge', 16, 30]]),
  ...family('c5', false, [['large', 2, 4], ['xlarge', 4, 8], ['2xlarge', 8, 16], ['4xlarge', 16, 32], ['9xlarge', 36, 72], ['12xlarge', 48, 96], ['18xlarge', 72, 144], ['24xlarge', 96, 192]]),
  ...family('c6i', false, [['large', 2, 4], ['xlarge', 4, 8], ['2xlarge', 8, 16], ['4xlarge', 16, 32], ['8xlarge', 32, 64], ['12xlarge', 48, 96], ['16xlarge', 64, 128], ['24xlarge', 96, 192], ['32xlarge', 128, 256]]),
  ...family('r4', false, [['large', 2, 15.25], ['xlarge', 4, 30.5], ['2xlarge', 8, 61], ['4xlarge', 16, 122], ['8xlarge', 32, 244]]),
  ...family('r5', false, [['large', 2, 16], ['xlarge', 4, 32], ['2xlarge', 8, 64], ['4xlarge', 16, 128], ['8xlarge', 32, 256], ['12xlarge', 48, 384], ['16xlarge', 64, 512], ['24xlarge', 96, 768]]),
  ...family('r6i', false, [['large', 2, 16], ['xlarge', 4, 32], ['2xlarge', 8, 64], ['4xlarge', 16, 128], ['8xlarge', 32, 256], ['12xlarge', 48, 384], ['16xlarge', 64, 512], ['24xlarge', 96, 768], ['32xlarge', 128, 1024]]),
];

/** The class named by a request, or InvalidParameterValueException naming a few valid ones. */
export function requireInstanceClass(name: string): InstanceClassInfo {
  const found = instanceClasses.find((c) => c.name === name);
  if (!found) {
    const examples = ['dms.t3.micro', 'dms.t3.medium', 'dms.c5.large', 'dms.r5.large'];
    throw invalidParameter(
      `ReplicationInstanceClass '${name}' is not an orderable replication instance class. Use one of the classes DescribeOrderableReplicationInstances lists, for example ${examples.join(', ')}.`,
    );
  }
  return found;
}

/** Checks an AllocatedStorage value against the class's bounds. */
export function checkStorage(cls: InstanceClassInfo, storage: number): number {
  if (!Number.isInteger(storage) || storage < cls.minStorage || storage > cls.maxStorage) {
    throw invalidParameter(
      `AllocatedStorage ${storage} is not valid for ${cls.name}: give a whole number of GiB from ${cls.minStorage} to ${cls.maxStorage}.`,
    );
  }
  return storage;
}

/**
 * The availability zones of a region. They match the zones SubnetGroupService assigns to
 * subnets (the region's name followed by a to f, in order).
 */
export const regionZones = (region: string): string[] => ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `${region}${l}`);
