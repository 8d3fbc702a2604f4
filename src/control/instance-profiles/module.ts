/** Instance profiles: CreateInstanceProfile, ModifyInstanceProfile, DeleteInstanceProfile, DescribeInstanceProfiles. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { instanceProfileHandlers } from './handlers.js';
import { InstanceProfileService } from './instance-profile-service.js';

export function instanceProfileModule(deps: ControlDeps): HandlerTable {
  return instanceProfileHandlers(new InstanceProfileService(deps));
}
