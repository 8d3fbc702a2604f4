/** Subnet group record -> AWS shape. */
import type { ReplicationSubnetGroup } from '../../api/generated/shapes.js';
import type { SubnetGroupRecord } from './record.js';

export function toReplicationSubnetGroup(r: SubnetGroupRecord): ReplicationSubnetGroup {
  return {
    ReplicationSubnetGroupIdentifier: r.identifier,
    ReplicationSubnetGroupDescription: r.description,
    VpcId: r.vpcId,
    SubnetGroupStatus: r.status,
    Subnets: r.subnets.map((s) => ({
      SubnetIdentifier: s.subnetIdentifier,
      SubnetAvailabilityZone: { Name: s.availabilityZone },
      SubnetStatus: s.status,
    })),
    SupportedNetworkTypes: [...r.supportedNetworkTypes],
  };
}
