/**
 * What the metadata-model requests store: one record per request (its lifecycle, progress,
 * result), and one record per migration project holding its metadata models (the imported
 * source and target models, the latest reports, the statement models of
 * StartMetadataModelCreation). Models are the pure neutral model of src/schema-conversion,
 * stored as JSON.
 */
import type { ObjectReport, SchemaModel, Dialect } from '../../schema-conversion/index.js';
import type { ResourceRecord } from '../../store/resource-repository.js';

/** The kinds of request, one per Start* operation. */
export type RequestKind = 'import' | 'assessment' | 'conversion' | 'export-script' | 'export-target' | 'creation' | 'extension-pack';

export type RequestStatus = 'RECEIVED' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'CANCELING' | 'CANCELED';

export const finalStatuses: readonly RequestStatus[] = ['SUCCESS', 'FAILED', 'CANCELED'];

export type Origin = 'SOURCE' | 'TARGET';

/** The Start* input a request keeps, to run it (and to say what it was). */
export interface RequestInput {
  readonly selectionRules?: string;
  readonly origin?: Origin;
  readonly refresh?: boolean;
  readonly fileName?: string;
  readonly metadataModelName?: string;
  readonly definition?: string;
  readonly overwriteExtensionPack?: boolean;
}

export interface RequestProgress {
  readonly percent: number;
  readonly totalObjects?: number;
  readonly step: string;
  readonly object?: { readonly name?: string; readonly type?: string; readonly endpointType: Origin };
}

export interface MetadataRequestRecord extends ResourceRecord {
  /** The RequestIdentifier (a UUID); also the record's identifier. */
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly projectArn: string;
  readonly status: RequestStatus;
  readonly input: RequestInput;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly progress?: RequestProgress;
  /** Error.defaultErrorDetails.Message of a FAILED request. */
  readonly errorMessage?: string;
  /** ExportSqlDetails of an export as script. */
  readonly exportSql?: { readonly key: string; readonly url: string };
  /** What the run did, for logs and support: counts, parse and dump problems, notes. */
  readonly notes?: readonly string[];
}

/** A statement metadata model (StartMetadataModelCreation): SQL placed under a source schema. */
export interface StatementModel {
  readonly schema: string;
  readonly name: string;
  readonly definition: string;
}

/** A statement after a conversion: its SQL in the target dialect, or why it needs manual work. */
export interface ConvertedStatement {
  readonly sourceSchema: string;
  readonly schema: string;
  readonly name: string;
  readonly sql: string;
  readonly ok: boolean;
  readonly messages: readonly string[];
}

export interface ProjectModelsRecord extends ResourceRecord {
  readonly projectArn: string;
  readonly source?: SchemaModel;
  readonly target?: SchemaModel;
  /** The servers' version strings from the latest imports. */
  readonly sourceVersion?: string;
  readonly targetVersion?: string;
  /** The conversion report of every converted object (latest conversion per object). */
  readonly conversionReport: readonly ObjectReport[];
  /** The assessment report (latest assessment per object). */
  readonly assessmentReport: readonly ObjectReport[];
  readonly statements: readonly StatementModel[];
  readonly convertedStatements: readonly ConvertedStatement[];
  readonly updatedAt: string;
}

export const dialectOfEngine = (engine: string): Dialect | undefined =>
  ['postgres', 'aurora-postgresql', 'aurora-postgresql-serverless'].includes(engine)
    ? 'postgres'
    : ['mysql', 'mariadb', 'aurora', 'aurora-serverless', 'gcp-mysql'].includes(engine)
      ? 'mysql'
      : undefined;
