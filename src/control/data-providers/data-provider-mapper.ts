/** Data provider record -> AWS shape (DataProviderCreationTime is an Iso8601DateTime: RFC 3339 on the wire). */
import type { DataProvider, DataProviderSettings } from '../../api/generated/shapes.js';
import type { DataProviderRecord } from './record.js';

export function toDataProvider(r: DataProviderRecord): DataProvider {
  return {
    DataProviderName: r.identifier,
    DataProviderArn: r.arn,
    DataProviderCreationTime: new Date(r.createdAt),
    Engine: r.engine,
    Virtual: r.virtual,
    Settings: { [r.settingsMember]: { ...r.settings } } as DataProviderSettings,
    ...(r.description !== undefined ? { Description: r.description } : {}),
  };
}
