import { randomBytes, randomUUID } from 'node:crypto';

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An upper-case base32 id like the ones DMS puts at the end of its ARNs (26 characters). */
export function resourceId(length = 26): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += base32[bytes[i]! & 31];
  return out;
}

export const requestId = (): string => randomUUID();
