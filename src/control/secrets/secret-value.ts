/**
 * Reads a secret value: a JSON object like an RDS secret of Secrets Manager. Error messages
 * name the member that is wrong and never quote the text, which holds a password.
 */
import { OpenDmsError } from '../../common/errors.js';
import type { SecretValue } from './record.js';

export class SecretValueError extends OpenDmsError {
  constructor(message: string) {
    super('InvalidSecretValue', message);
  }
}

const expected = 'give a JSON object such as {"username": "app", "password": "...", "host": "db.example.com", "port": 5432, "dbname": "app"} (host, port and dbname are optional)';

export function parseSecretValue(text: string): SecretValue {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input: never show it.
    throw new SecretValueError(`The secret value is not valid JSON: ${expected}.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SecretValueError(`The secret value is not a JSON object: ${expected}.`);
  return checkSecretValue(v as Record<string, unknown>);
}

/** Checks the members OpenDMS uses; other members (engine, dbInstanceIdentifier ...) are left out. */
export function checkSecretValue(o: Readonly<Record<string, unknown>>): SecretValue {
  const { username, password, host, port, dbname } = o;
  if (typeof username !== 'string' || username === '') throw new SecretValueError(`The secret value has no "username" string: ${expected}.`);
  if (typeof password !== 'string') throw new SecretValueError(`The secret value has no "password" string: ${expected}.`);
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw new SecretValueError('The secret value\'s "host" must be a non-empty string (a host name or IP address).');
  if (dbname !== undefined && (typeof dbname !== 'string' || dbname === '')) throw new SecretValueError('The secret value\'s "dbname" must be a non-empty string.');
  // Secrets Manager's console writes the port as a number, some tools as a string: take both.
  let portNumber: number | undefined;
  if (port !== undefined) {
    portNumber = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : typeof port === 'number' ? port : NaN;
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) throw new SecretValueError('The secret value\'s "port" must be a TCP port number from 1 to 65535.');
  }
  return {
    username,
    password,
    ...(host !== undefined ? { host: host as string } : {}),
    ...(portNumber !== undefined ? { port: portNumber } : {}),
    ...(dbname !== undefined ? { dbname: dbname as string } : {}),
  };
}
