/** A replication subnet group as OpenDMS stores it. */
export interface SubnetRecord {
  readonly subnetIdentifier: string;
  readonly availabilityZone: string;
  readonly status: string;
}

export interface SubnetGroupRecord {
  readonly arn: string;
  /** The group's identifier, stored lowercase as DMS does. */
  readonly identifier: string;
  readonly description: string;
  readonly vpcId: string;
  readonly subnets: readonly SubnetRecord[];
  readonly status: string;
  readonly supportedNetworkTypes: readonly string[];
  readonly createdAt: string;
}
