/** The connector SPI: everything outside connectors/ may import, and nothing else of it. */
export type { Connector } from './connector.js';
export { type ConnectionParams, type SslMode, type SslSettings, sslModes, defaultConnectTimeoutMs, describeTarget } from './connection-params.js';
export { ConnectorError, type ClassifiedError, type ConnectionErrorKind, type ErrorClassifier } from './connection-error.js';
