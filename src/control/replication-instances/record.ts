/** A replication instance as OpenDMS stores it. In the embedded default it is a worker slot of this process. */
export type InstanceStatus =
  | 'creating' | 'available' | 'modifying' | 'rebooting' | 'deleting' | 'failed' | 'upgrading' | 'maintenance';

/** Values a ModifyReplicationInstance will apply when the instance leaves `modifying`. */
export interface PendingInstanceChanges {
  readonly instanceClass?: string;
  readonly allocatedStorage?: number;
  readonly multiAz?: boolean;
  readonly engineVersion?: string;
  readonly networkType?: string;
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
  readonly secondaryAvailabilityZone?: string;
  readonly multiAz: boolean;
  readonly subnetGroupIdentifier: string;
  readonly vpcSecurityGroupIds: readonly string[];
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
  /** Maintenance actions waiting to be applied (DescribePendingMaintenanceActions). */
  readonly pendingMaintenance: readonly PendingMaintenanceRecord[];
  readonly createdAt: string;
}

export interface PendingMaintenanceRecord {
  readonly action: string;
  readonly description: string;
  readonly autoAppliedAfter?: string;
  readonly forcedApplyAt?: string;
  /** 'immediate' | 'next-maintenance' once the user opted in. */
  readonly optIn?: string;
  readonly currentApplyAt?: string;
}
