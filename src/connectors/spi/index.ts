/** The connector SPI: everything outside connectors/ may import, and nothing else of it. */
export type { Connector } from './connector.js';
export { type ConnectionParams, type SslMode, type SslSettings, sslModes, defaultConnectTimeoutMs, describeTarget } from './connection-params.js';
export { ConnectorError, type ClassifiedError, type ConnectionErrorKind, type ErrorClassifier } from './connection-error.js';
export { type NeutralType, type Value, type Row, type TableRef, type ColumnInfo, type TableInfo, isLob } from './data-types.js';
export type { FilterCondition, ColumnFilter, KeyRange, ReadRequest, SourceSession, CopyEncoding, CopyChunk, CopyRead, CopyReadOptions } from './source.js';
export { cutCopyRows, copyDataMessage, binaryCopyHeader, binaryCopyTrailer } from './copy-chunks.js';
export type { TargetColumn, TargetTableDef, DdlNotice, TableAlteration, TargetSession, TableWriter } from './target.js';
export { DataLoadError } from './data-load-error.js';
export type { SchemaDdlDump, DdlApplyFailure, DdlApplyResult, SchemaDdlAccess } from './schema-ddl.js';
export type { SourcePosition, RowChange, TruncateChange, DdlChange, Change, SourceTransaction, StreamNotice, ChangeStream, CaptureOptions, ChangeCapture, TargetChange, ChangeApplier } from './changes.js';
export type { SqlInspector } from './inspector.js';
