/**
 * A secret of the local secret store: what AWS Secrets Manager holds for an RDS database
 * (`{"username", "password", "host", "port", "dbname"}`), kept in the data folder so that data
 * providers (and endpoints) can name it by SecretsManagerSecretId. The value is never returned
 * by the API, never printed by the CLI and never logged.
 */
export interface SecretValue {
  readonly username: string;
  /** Never printed, logged or put in an error message. */
  readonly password: string;
  readonly host?: string;
  readonly port?: number;
  readonly dbname?: string;
}

export interface SecretRecord {
  /** `opendms:local-secret:<name>`: the store's key; not an AWS ARN. */
  readonly arn: string;
  /** The secret's name, as Secrets Manager names it (`prod/db`, `my-secret` ...). */
  readonly identifier: string;
  readonly value: SecretValue;
  /** When the value was last put (ISO 8601). */
  readonly changedAt: string;
}
