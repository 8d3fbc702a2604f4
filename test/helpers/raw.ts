/** Raw AWS JSON 1.1 requests for protocol tests, signed with the SDK's own SigV4 signer. */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

const toBytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** The checksum interface the signer wants, over node:crypto (HMAC when given a secret). */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.h.digest());
  }
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

export async function rawCall(
  url: string,
  target: string | undefined,
  body: string,
  opts: { sign?: boolean; accessKeyId?: string; secretAccessKey?: string; region?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  let headers: Record<string, string> = {
    host: u.host,
    'content-type': 'application/x-amz-json-1.1',
    ...(target ? { 'x-amz-target': target } : {}),
    ...opts.headers,
  };
  if (opts.sign !== false) {
    const signer = new SignatureV4({
      service: 'dms',
      region: opts.region ?? 'us-east-1',
      sha256: Sha256,
      credentials: { accessKeyId: opts.accessKeyId ?? '123456789012', secretAccessKey: opts.secretAccessKey ?? 'secret' },
    });
    const signed = await signer.sign({ method: 'POST', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: '/', query: {}, headers, body });
    headers = signed.headers as Record<string, string>;
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // leave empty: some tests look at text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}
