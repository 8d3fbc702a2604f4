/** DescribeAccountAttributes: the account's quotas with their real usage, and its unique identifier. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { quotaUsage } from './account-usage.js';
import { uniqueAccountIdentifier } from './unique-account-identifier.js';

export function accountModule(deps: ControlDeps): HandlerTable {
  return {
    DescribeAccountAttributes: (_input, { scope }) => {
      const used = quotaUsage(deps.repos, scope);
      return {
        AccountQuotas: Object.entries(deps.settings.quotas).map(([name, max]) => ({ AccountQuotaName: name, Used: used[name] ?? 0, Max: max })),
        UniqueAccountIdentifier: uniqueAccountIdentifier(scope),
      };
    },
  };
}
