/** A request record as the SchemaConversionRequest shape of the DMS API. */
import type { SchemaConversionRequest } from '../../api/generated/shapes.js';
import type { MetadataRequestRecord } from './record.js';

export function toSchemaConversionRequest(r: MetadataRequestRecord): SchemaConversionRequest {
  const running = r.status === 'RECEIVED' || r.status === 'IN_PROGRESS' || r.status === 'CANCELING';
  return {
    Status: r.status,
    RequestIdentifier: r.requestId,
    MigrationProjectArn: r.projectArn,
    ...(r.status === 'FAILED' && r.errorMessage ? { Error: { defaultErrorDetails: { Message: r.errorMessage } } } : {}),
    ...(r.exportSql ? { ExportSqlDetails: { S3ObjectKey: r.exportSql.key, ObjectURL: r.exportSql.url } } : {}),
    ...(running && r.progress
      ? {
          Progress: {
            ProgressPercent: r.progress.percent,
            ...(r.progress.totalObjects !== undefined ? { TotalObjects: r.progress.totalObjects } : {}),
            ProgressStep: r.progress.step,
            ...(r.progress.object
              ? {
                  ProcessedObject: {
                    ...(r.progress.object.name !== undefined ? { Name: r.progress.object.name } : {}),
                    ...(r.progress.object.type !== undefined ? { Type: r.progress.object.type } : {}),
                    EndpointType: r.progress.object.endpointType,
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}
