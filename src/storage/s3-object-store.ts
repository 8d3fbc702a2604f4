/**
 * The object store on a real S3-compatible server (AWS S3, MinIO, Ceph, s3rver ...), through
 * the AWS SDK. S3's answers become ObjectStoreError kinds, each message naming the bucket and
 * the endpoint and saying what to fix. Secret keys are never part of a message.
 */
import { isIP } from 'node:net';
import {
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { ObjectStoreError, objectKey, type ObjectStore, type PutOptions, type S3Location, type StoredObject } from './object-store.js';

export interface S3Settings {
  /** `http(s)://host[:port]` of the S3-compatible server, validated by config.ts. */
  readonly endpoint: string;
  readonly region: string;
  /** Both or neither; when absent the SDK's default chain (AWS_* env, profile, instance role) answers. */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** `endpoint/bucket/key` rather than `bucket.endpoint/key`: what most self-hosted servers need. */
  readonly forcePathStyle: boolean;
}

/** Knobs for tests and callers that must fail fast; the defaults suit a server on a network. */
export interface S3ClientTuning {
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly maxAttempts?: number;
}

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly endpoint: string;

  constructor(
    private readonly settings: S3Settings,
    tuning: S3ClientTuning = {},
  ) {
    this.endpoint = settings.endpoint.replace(/\/+$/, '');
    this.client = new S3Client({
      endpoint: this.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      maxAttempts: tuning.maxAttempts ?? 3,
      // throwOnRequestTimeout: without it the SDK only warns and a silent server hangs the caller.
      requestHandler: { connectionTimeout: tuning.connectionTimeoutMs ?? 5_000, requestTimeout: tuning.requestTimeoutMs ?? 60_000, throwOnRequestTimeout: true },
      // Newer SDKs add CRC checksums (and aws-chunked bodies) to every PutObject; many
      // S3-compatible servers reject or mis-store those, so send them only when S3 requires it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
    });
  }

  async put(location: S3Location, name: string, body: string | Buffer, opts: PutOptions = {}): Promise<StoredObject> {
    const key = objectKey(location, name);
    const input: PutObjectCommandInput = {
      Bucket: location.bucket,
      Key: key,
      Body: body,
      ...(opts.contentType ? { ContentType: opts.contentType } : {}),
      ...encryptionHeaders(opts.encryption),
    };
    try {
      await this.client.send(new PutObjectCommand(input));
    } catch (err) {
      throw this.mapError(err, location.bucket, `write ${key} to`);
    }
    return { key, url: this.urlOf(location.bucket, key) };
  }

  async get(location: S3Location, name: string): Promise<Buffer | undefined> {
    const key = objectKey(location, name);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
      return res.Body ? Buffer.from(await res.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (err) {
      // A missing object is an answer, not a fault; a missing bucket still is one.
      if (errorName(err) === 'NoSuchKey') return undefined;
      throw this.mapError(err, location.bucket, `read ${key} from`);
    }
  }

  /** HeadBucket: the bucket exists and these credentials may use it (it does not prove s3:PutObject). */
  async probe(location: S3Location): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: location.bucket }));
    } catch (err) {
      throw this.mapError(err, location.bucket, 'reach');
    }
  }

  /** Closes the client's sockets (tests; a long-lived server keeps its store). */
  destroy(): void {
    this.client.destroy();
  }

  private urlOf(bucket: string, key: string): string {
    const path = key.split('/').map(encodeURIComponent).join('/');
    const u = new URL(this.endpoint);
    // The SDK addresses an IP endpoint path-style whatever forcePathStyle says; so does the URL.
    if (this.settings.forcePathStyle || isIP(u.hostname.replace(/^\[|\]$/g, ''))) return `${this.endpoint}/${bucket}/${path}`;
    return `${u.protocol}//${bucket}.${u.host}/${path}`;
  }

  private mapError(err: unknown, bucket: string, doing: string): ObjectStoreError {
    const where = `bucket ${bucket} at the S3 endpoint ${this.endpoint}`;
    const name = errorName(err);
    const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
    // HEAD answers have no body, so the SDK can only name them 'Unknown' or 'NotFound'.
    const detail = [name && name !== 'Unknown' ? name : undefined, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ') || 'error';
    if (name === 'NoSuchBucket' || (status === 404 && name !== 'NoSuchKey')) {
      return new ObjectStoreError(
        'no-such-bucket',
        `Cannot ${doing} ${where}: the bucket does not exist (${detail}). Create it (aws s3 mb s3://${bucket} --endpoint-url ${this.endpoint}) or name an existing bucket in the S3 path.`,
        { cause: err },
      );
    }
    if (status === 403 || (name !== undefined && accessDeniedCodes.has(name))) {
      return new ObjectStoreError(
        'access-denied',
        `Cannot ${doing} ${where}: access denied (${detail}). Check OPENDMS_S3_ACCESS_KEY_ID and OPENDMS_S3_SECRET_ACCESS_KEY (or the SDK's default credentials) and that they may read, write and list the bucket.`,
        { cause: err },
      );
    }
    if (name === 'CredentialsProviderError') {
      return new ObjectStoreError(
        'access-denied',
        `Cannot ${doing} ${where}: no S3 credentials were found. Set OPENDMS_S3_ACCESS_KEY_ID and OPENDMS_S3_SECRET_ACCESS_KEY, or the SDK's AWS_ACCESS_KEY_ID / AWS_PROFILE.`,
        { cause: err },
      );
    }
    if (isUnavailable(err, name, status)) {
      return new ObjectStoreError(
        'unavailable',
        `Cannot ${doing} ${where}: the server does not answer (${networkCode(err) ?? detail}). Check that it runs and that --s3-endpoint (OPENDMS_S3_ENDPOINT) names its address and port.`,
        { cause: err },
      );
    }
    const message = err instanceof Error && err.message && err.message !== name ? `: ${err.message}` : '';
    return new ObjectStoreError(
      'other',
      `Cannot ${doing} ${where}: ${detail}${message}. Check --s3-region (${this.settings.region}) and --s3-path-style (${this.settings.forcePathStyle}) against the server's settings.`,
      { cause: err },
    );
  }
}

function encryptionHeaders(enc: PutOptions['encryption']): Partial<PutObjectCommandInput> {
  if (!enc) return {};
  if (enc.mode === 'SSE_S3') return { ServerSideEncryption: 'AES256' };
  return { ServerSideEncryption: 'aws:kms', ...(enc.kmsKeyArn ? { SSEKMSKeyId: enc.kmsKeyArn } : {}) };
}

/** Codes S3 gives for credentials or policy problems (some arrive with 400, not 403). */
const accessDeniedCodes = new Set(['AccessDenied', 'Forbidden', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'AllAccessDisabled']);

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function errorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: string; Code?: string };
  return e.Code ?? e.name;
}

/** Node puts the socket code on the error, or on each error of an AggregateError (IPv4 and IPv6 tried). */
function networkCode(err: unknown): string | undefined {
  const e = err as { code?: string; errors?: { code?: string }[] } | undefined;
  if (e?.code && networkCodes.has(e.code)) return e.code;
  return e?.errors?.map((x) => x.code).find((c): c is string => c !== undefined && networkCodes.has(c));
}

function isUnavailable(err: unknown, name: string | undefined, status: number | undefined): boolean {
  if (networkCode(err)) return true;
  if (name === 'TimeoutError' || name === 'RequestTimeout' || name === 'ServiceUnavailable' || name === 'SlowDown') return true;
  return status !== undefined && status >= 500;
}
