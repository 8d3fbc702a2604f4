/**
 * Reads the credentials file: a JSON list of {accessKeyId, secretAccessKey, accountId}.
 * With it configured, every request's SigV4 signature is verified.
 */
import { readFileSync } from 'node:fs';
import type { Credential } from './sigv4.js';

export function loadCredentials(path: string): Map<string, Credential> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the credentials file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`the credentials file ${path} must hold a non-empty JSON list of {"accessKeyId", "secretAccessKey", "accountId"}`);
  }
  const out = new Map<string, Credential>();
  parsed.forEach((c: Partial<Credential>, i) => {
    if (typeof c?.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string' || typeof c.accountId !== 'string' || !/^\d{12}$/.test(c.accountId)) {
      throw new Error(`entry ${i} of the credentials file ${path} needs accessKeyId, secretAccessKey and a 12-digit accountId`);
    }
    out.set(c.accessKeyId, { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, accountId: c.accountId });
  });
  return out;
}
