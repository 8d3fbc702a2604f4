/** Instance profile record -> AWS shape (InstanceProfileCreationTime is an Iso8601DateTime: RFC 3339 on the wire). */
import type { InstanceProfile } from '../../api/generated/shapes.js';
import type { InstanceProfileRecord } from './record.js';

export function toInstanceProfile(r: InstanceProfileRecord): InstanceProfile {
  return {
    InstanceProfileArn: r.arn,
    InstanceProfileName: r.identifier,
    AvailabilityZone: r.availabilityZone,
    PubliclyAccessible: r.publiclyAccessible,
    NetworkType: r.networkType,
    InstanceProfileCreationTime: new Date(r.createdAt),
    ...(r.kmsKeyArn !== undefined ? { KmsKeyArn: r.kmsKeyArn } : {}),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    ...(r.subnetGroupIdentifier !== undefined ? { SubnetGroupIdentifier: r.subnetGroupIdentifier } : {}),
    ...(r.vpcSecurityGroups !== undefined ? { VpcSecurityGroups: [...r.vpcSecurityGroups] } : {}),
  };
}
