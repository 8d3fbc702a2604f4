/** A replication instance as OpenDMS stores it. In the embedded default it is a worker slot of this process. */
export type InstanceStatus = 'creating' | 'available' | 'modifying' | 'rebooting' | 'upgrading' | 'deleting' | 'failed';

/**
 * Changes that need an outage (class, storage, Multi-AZ, engine version, network type).
 * They wait here until they are applied: at once with ApplyImmediately (status `modifying`),
 * otherwise at the next reboot or maintenance window. DescribeReplicationInstances shows them
 * as PendingModifiedValues.
 */
export interface PendingInstanceChanges {
  readonly instanceClass?: string;
  readonly allocatedStorage?: number;
  readonly multiAz?: boolean;
  readonly engineVersion?: string;
  readonly networkType?: string;
}

/** An opt-in to a pending maintenance action (ApplyPendingMaintenanceAction). */
export interface MaintenanceOptIn {
  readonly optIn: 'immediate' | 'next-maintenance';
  /** When the opt-in was received (ISO 8601). */
  readonly at: string;
}

export interface InstanceRecord {
  readonly arn: string;
  /** Stored lowercase, as DMS does. */
  readonly identifier: string;
  readonly instanceClass: string;
  readonly status: InstanceStatus;
  readonly allocatedStorage: number;
  readonly engineVersion: string;
  readonly autoMinorVersionUpgrade: boolean;
  readonly availabilityZone: string;
  /** The standby's zone; set only while the instance is Multi-AZ. */
  readonly secondaryAvailabilityZone?: string;
  readonly multiAz: boolean;
  readonly subnetGroupIdentifier: string;
  readonly vpcSecurityGroupIds: readonly string[];
  /** Normalised lowercase, `ddd:hh24:mi-ddd:hh24:mi`. */
  readonly preferredMaintenanceWindow: string;
  readonly publiclyAccessible: boolean;
  readonly kmsKeyId: string;
  readonly dnsNameServers?: string;
  readonly networkType: string;
  readonly privateIpAddresses: readonly string[];
  readonly publicIpAddresses: readonly string[];
  readonly ipv6Addresses: readonly string[];
  readonly kerberosAuthenticationSettings?: Readonly<Record<string, string>>;
  readonly pendingChanges: PendingInstanceChanges;
  /** Opt-ins to pending maintenance actions, by action name (e.g. `db-upgrade`). */
  readonly maintenanceOptIns: Readonly<Record<string, MaintenanceOptIn>>;
  /** Set while a reboot with (planned) failover is in progress: the zones swap when it ends. */
  readonly rebootWithFailover?: boolean;
  readonly createdAt: string;
}
