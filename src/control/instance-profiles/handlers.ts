/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { CreateInstanceProfileMessage, ModifyInstanceProfileMessage } from '../../api/generated/shapes.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toInstanceProfile } from './instance-profile-mapper.js';
import type { InstanceProfileFields, InstanceProfileService } from './instance-profile-service.js';

export function instanceProfileHandlers(service: InstanceProfileService): HandlerTable {
  return {
    CreateInstanceProfile: (input, { scope }) => ({
      InstanceProfile: toInstanceProfile(service.create(scope, { ...fieldsOf(input), ...(input.Tags ? { tags: input.Tags } : {}) })),
    }),
    ModifyInstanceProfile: (input, { scope }) => ({
      InstanceProfile: toInstanceProfile(service.modify(scope, input.InstanceProfileIdentifier, fieldsOf(input))),
    }),
    DeleteInstanceProfile: (input, { scope }) => ({ InstanceProfile: toInstanceProfile(service.delete(scope, input.InstanceProfileIdentifier)) }),
    DescribeInstanceProfiles: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        input.Filters,
        {
          'instance-profile-identifier': (p) => [p.identifier, p.arn],
          'instance-profile-arn': (p) => p.arn,
          'instance-profile-name': (p) => p.identifier,
        },
        'DescribeInstanceProfiles',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('Instance Profiles');
      const page = paginate(matched, input, 'DescribeInstanceProfiles');
      return { InstanceProfiles: page.items.map(toInstanceProfile), ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}

function fieldsOf(input: CreateInstanceProfileMessage | ModifyInstanceProfileMessage): InstanceProfileFields {
  const f: Record<string, unknown> = {
    name: input.InstanceProfileName,
    description: input.Description,
    availabilityZone: input.AvailabilityZone,
    kmsKeyArn: input.KmsKeyArn,
    publiclyAccessible: input.PubliclyAccessible,
    networkType: input.NetworkType,
    subnetGroupIdentifier: input.SubnetGroupIdentifier,
    vpcSecurityGroups: input.VpcSecurityGroups,
  };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return f as InstanceProfileFields;
}
