/**
 * Secret ids as Secrets Manager takes them: a name, or an ARN
 * `arn:aws:secretsmanager:<region>:<account>:secret:<name>-XXXXXX` whose last six characters
 * Secrets Manager appends to the name. Both forms resolve to the same local secret.
 */
import { OpenDmsError } from '../../common/errors.js';

/** Secrets Manager's rule for names: 1 to 512 of letters, digits and /_+=.@- . */
const nameRe = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const arnRe = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)$/;
/** The random suffix Secrets Manager adds to a secret's name in its ARN. */
const suffixRe = /-[A-Za-z0-9]{6}$/;

export class SecretIdError extends OpenDmsError {
  constructor(message: string) {
    super('InvalidSecretId', message);
  }
}

/**
 * The names a secret id may refer to, most specific first: for a name, itself; for an ARN,
 * the name in it as written, then without the six-character suffix (an ARN copied from
 * Secrets Manager carries the suffix, the local store keeps the bare name).
 */
export function secretNameCandidates(id: string): string[] {
  const m = arnRe.exec(id);
  if (!m) return [checkSecretName(id)];
  const full = checkSecretName(m[1]!);
  const bare = full.replace(suffixRe, '');
  return bare !== full && bare !== '' ? [full, bare] : [full];
}

/** The name a `put` stores under: an ARN's name without its Secrets Manager suffix. */
export function secretNameForPut(id: string): string {
  const candidates = secretNameCandidates(id);
  return candidates[candidates.length - 1]!;
}

function checkSecretName(name: string): string {
  if (!nameRe.test(name)) {
    throw new SecretIdError(
      `Secret id '${name.slice(0, 80)}' is not valid: give a secret name of 1 to 512 letters, digits and /_+=.@- characters, or a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>).`,
    );
  }
  return name;
}
