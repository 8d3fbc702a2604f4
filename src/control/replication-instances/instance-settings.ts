/**
 * Checks and defaults of a replication instance's network and security settings. There is no
 * VPC or KMS here: ids are checked for their form and defaults are stable per account and
 * region, so the same request always gives the same answer.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Scope } from '../../api/dispatch.js';
import type { KerberosAuthenticationSettings } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A UUID-shaped value derived from `seed`. */
function stableUuid(seed: string): string {
  const h = hash(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The KMS key of an instance. DMS uses the account's default key of the region when none is
 * given; a key id or alias is expanded to its ARN, as DMS returns ARNs.
 */
export function kmsKeyFor(scope: Scope, given: string | undefined): string {
  const prefix = `arn:aws:kms:${scope.region}:${scope.account}`;
  if (given === undefined || given === '') return `${prefix}:key/${stableUuid(`kms/${scope.account}/${scope.region}/aws/dms`)}`;
  if (/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/.test(given)) return given;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(given) || /^mrk-[0-9a-f]{32}$/i.test(given)) return `${prefix}:key/${given}`;
  if (/^alias\/[A-Za-z0-9/_-]+$/.test(given)) return `${prefix}:${given}`;
  throw invalidParameter(`KmsKeyId '${given}' is not valid: give a KMS key id, key ARN, alias name (alias/...) or alias ARN.`);
}

/** The VPC's default security group, used when a request names none. */
export const defaultSecurityGroup = (scope: Scope): string => `sg-${hash(`sg/${scope.account}/${scope.region}`).slice(0, 17)}`;

export function checkSecurityGroups(ids: readonly string[]): string[] {
  for (const id of ids) {
    if (!/^sg-[0-9a-f]{8,17}$/.test(id)) throw invalidParameter(`VpcSecurityGroupIds: '${id}' is not a security group id; ids look like sg-0123456789abcdef0.`);
  }
  return [...new Set(ids)];
}

/** DnsNameServers: a comma-separated list of up to four IP addresses. */
export function checkDnsNameServers(value: string): string {
  const servers = value.split(',').map((s) => s.trim());
  if (servers.length > 4 || servers.some((s) => isIP(s) === 0)) {
    throw invalidParameter(`DnsNameServers '${value}' is not valid: give up to four IP addresses separated by commas, for example 1.1.1.1,8.8.8.8.`);
  }
  return servers.join(',');
}

const networkTypes = ['IPV4', 'DUAL'];

/** IPv4 only or dual-stack; DMS does not support IPv6 only. */
export function checkNetworkType(value: string, supported: readonly string[]): string {
  if (!networkTypes.includes(value)) throw invalidParameter(`NetworkType '${value}' is not valid: use IPV4 or DUAL (IPv6 only is not supported).`);
  if (!supported.includes(value)) throw invalidParameter(`NetworkType ${value} is not supported by the replication subnet group; it supports ${supported.join(', ')}.`);
  return value;
}

/** Keeps only the modelled members of KerberosAuthenticationSettings. */
export function kerberosSettings(k: KerberosAuthenticationSettings | undefined): Readonly<Record<string, string>> | undefined {
  if (!k) return undefined;
  const out: Record<string, string> = {};
  if (k.KeyCacheSecretId !== undefined) out.KeyCacheSecretId = k.KeyCacheSecretId;
  if (k.KeyCacheSecretIamArn !== undefined) out.KeyCacheSecretIamArn = k.KeyCacheSecretIamArn;
  if (k.Krb5FileContents !== undefined) out.Krb5FileContents = k.Krb5FileContents;
  return out;
}

/** A zone chosen by DMS for the instance when none is given: stable for the same ARN. */
export function pickZone(zones: readonly string[], seed: string, except?: string): string {
  const candidates = zones.filter((z) => z !== except);
  return candidates[parseInt(hash(seed).slice(0, 8), 16) % candidates.length]!;
}

/**
 * The instance's addresses. The worker behind every instance is this process, so its honest
 * private address is the loopback one; there is no public address to report.
 */
export function addressesFor(networkType: string): { privateIpAddresses: string[]; publicIpAddresses: string[]; ipv6Addresses: string[] } {
  return { privateIpAddresses: ['127.0.0.1'], publicIpAddresses: [], ipv6Addresses: networkType === 'DUAL' ? ['::1'] : [] };
}
