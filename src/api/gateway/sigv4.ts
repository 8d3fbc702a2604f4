/**
 * SigV4 for the JSON protocol: parses the Authorization header, takes account and region
 * from the credential scope, and, when credentials are configured, verifies the signature
 * exactly as AWS does (canonical request -> string to sign -> HMAC chain).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../../common/errors.js';

export interface Credential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
}

export interface CallerIdentity {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly region: string;
}

/** Account used when no credentials are configured and the access key is not an account id. */
export const defaultAccountId = '000000000000';

const authRe = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

const denied = (code: string, message: string): ApiError => new ApiError(code, message, 403);

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export function authenticate(req: SignedRequest, credentials: ReadonlyMap<string, Credential> | undefined, now: Date): CallerIdentity {
  const header = req.headers.authorization;
  if (!header) {
    throw denied('MissingAuthenticationTokenException', 'Missing Authentication Token: sign the request with SigV4 (any AWS SDK or the AWS CLI does this).');
  }
  const m = authRe.exec(header);
  if (!m) throw denied('IncompleteSignatureException', 'The Authorization header is not a well-formed AWS4-HMAC-SHA256 signature (Credential=..., SignedHeaders=..., Signature=...).');
  const [, credentialStr, signedHeadersStr, signature] = m as unknown as [string, string, string, string];
  const parts = credentialStr.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw denied('IncompleteSignatureException', `The credential scope '${credentialStr}' must be <access key>/<date>/<region>/dms/aws4_request.`);
  }
  const [accessKeyId, date, region, service] = parts as [string, string, string, string, string];
  if (service !== 'dms') {
    throw denied('InvalidSignatureException', `The credential scope names service '${service}'; DMS requests are signed for 'dms'.`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw denied('InvalidSignatureException', `The credential scope names region '${region}', which is not a region name like us-east-1.`);
  }
  if (!credentials) {
    return { accessKeyId, region, accountId: /^\d{12}$/.test(accessKeyId) ? accessKeyId : defaultAccountId };
  }
  const cred = credentials.get(accessKeyId);
  if (!cred) throw denied('UnrecognizedClientException', 'The security token included in the request is invalid: the access key is not in the OpenDMS credentials file.');

  const amzDate = headerValue(req.headers, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== date) {
    throw denied('IncompleteSignatureException', 'The request needs an X-Amz-Date header whose day matches the credential scope.');
  }
  const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  if (Math.abs(now.getTime() - signedAt) > 15 * 60 * 1000) {
    throw denied('InvalidSignatureException', `Signature expired: the request was signed at ${amzDate}, more than 15 minutes from the server time ${now.toISOString()}. Check the client's clock.`);
  }
  const signedHeaders = signedHeadersStr.split(';');
  if (!signedHeaders.includes('host')) throw denied('InvalidSignatureException', 'The signed headers must include host.');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(headerValue(req.headers, h) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const [pathPart, query = ''] = req.path.split('?', 2) as [string, string?];
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((kv) => kv.split('=', 2).map((s) => encodeRfc3986(decodeURIComponent(s ?? ''))) as [string, string?])
    .sort((a, b) => (a[0] === b[0] ? (a[1] ?? '').localeCompare(b[1] ?? '') : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join('&');
  // The signature covers the hash of the body actually received, so a body changed in
  // transit (or a declared hash that lies) fails verification.
  const payloadHash = sha256(req.body);
  const declared = headerValue(req.headers, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== payloadHash) {
    throw denied('InvalidSignatureException', 'The x-amz-content-sha256 header does not match the SHA-256 of the request body: the body was changed after signing.');
  }
  const canonicalPath = pathPart.split('/').map((s) => encodeRfc3986(encodeRfc3986(decodeURIComponent(s)))).join('/') || '/';
  const canonicalRequest = [req.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeadersStr, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${cred.secretAccessKey}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw denied('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS secret access key and signing method.');
  }
  return { accessKeyId, region, accountId: cred.accountId };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
