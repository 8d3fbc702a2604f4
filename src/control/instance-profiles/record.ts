/** An instance profile (schema conversion's network and security settings) as OpenDMS stores it. */
export interface InstanceProfileRecord {
  readonly arn: string;
  /** InstanceProfileName: unique in the account and region; names and ARNs both find it. */
  readonly identifier: string;
  readonly description?: string;
  readonly availabilityZone: string;
  /** Only when given: without one DMS uses an AWS owned key, which it does not name. */
  readonly kmsKeyArn?: string;
  readonly publiclyAccessible: boolean;
  readonly networkType: string;
  /** The subnet group's identifier (lowercase, as stored by subnet groups). */
  readonly subnetGroupIdentifier?: string;
  readonly vpcSecurityGroups?: readonly string[];
  readonly createdAt: string;
}
