/** An endpoint as OpenDMS stores it. The password is kept for connections and never returned. */
export type EndpointKind = 'source' | 'target';

export interface EndpointRecord {
  readonly arn: string;
  /** Stored lowercase, as DMS does. */
  readonly identifier: string;
  readonly endpointType: EndpointKind;
  readonly engineName: string;
  readonly engineDisplayName: string;
  readonly status: string;
  readonly username?: string;
  /** Never returned by the API and never logged. */
  readonly password?: string;
  readonly serverName?: string;
  readonly port?: number;
  readonly databaseName?: string;
  readonly extraConnectionAttributes?: string;
  readonly kmsKeyId: string;
  readonly certificateArn?: string;
  readonly sslMode: string;
  readonly serviceAccessRoleArn?: string;
  readonly externalTableDefinition?: string;
  readonly externalId?: string;
  readonly isReadOnly?: boolean;
  /**
   * The engine settings blocks exactly as given, keyed by their AWS member name
   * (`PostgreSQLSettings`, `MySQLSettings`, `S3Settings` ...). They are AWS shapes on purpose:
   * the model owns their members, and the serializer strips their secrets on the way out.
   */
  readonly settings: Readonly<Record<string, Record<string, unknown>>>;
  readonly createdAt: string;
}
