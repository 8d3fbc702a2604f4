/**
 * Resolving a SecretsManagerSecretId for a connection (data providers, endpoints): the value,
 * or a message naming the secret and the command that creates it. "A real Secrets Manager"
 * is not consulted: OpenDMS has only its local store.
 */
import { messageOf } from '../../common/errors.js';
import type { SecretValue } from './record.js';
import type { SecretReader } from './secret-store.js';

export type SecretLookup = { readonly ok: true; readonly value: SecretValue } | { readonly ok: false; readonly message: string };

/** `usedBy` names who needs it in the message, e.g. "data provider src-pg". */
export function lookUpSecret(secrets: SecretReader, secretId: string, usedBy: string): SecretLookup {
  let found;
  try {
    found = secrets.get(secretId);
  } catch (err) {
    return { ok: false, message: `The SecretsManagerSecretId of ${usedBy} is not valid: ${messageOf(err)}` };
  }
  if (!found) {
    return {
      ok: false,
      message:
        `The secret ${secretId} of ${usedBy} is not in OpenDMS's secret store. Create it on the OpenDMS host with ` +
        `\`opendms secrets put ${secretId} --username <user> --password-stdin\` (or --value '{"username":...,"password":...}'), then try again.`,
    };
  }
  return { ok: true, value: found.value };
}
