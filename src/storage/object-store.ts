/**
 * Where results and exports go (assessment reports, converted scripts): an S3-compatible
 * location. By default a local folder (the results dir) standing in for S3: bucket
 * `b` and key `k` are the file `<resultsDir>/b/k`.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OpenDmsError, invalidParameter } from '../common/errors.js';

export interface S3Location {
  readonly bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  readonly prefix: string;
}

export interface StoredObject {
  /** The object's key in its bucket (prefix included). */
  readonly key: string;
  /** Where a user finds it: file:// for the local folder, https:// for S3. */
  readonly url: string;
}

/** How an object is written: its content type and server-side encryption (S3 only; the local folder ignores it). */
export interface PutOptions {
  readonly contentType?: string;
  readonly encryption?: { readonly mode: 'SSE_S3' | 'SSE_KMS'; readonly kmsKeyArn?: string };
}

/**
 * A location that cannot be written: `access-denied` (S3AccessDeniedFault in DMS's words),
 * `no-such-bucket` (S3ResourceNotFoundFault), `unavailable` (the store does not answer),
 * `other`. The message names the bucket and says what to fix.
 */
export class ObjectStoreError extends OpenDmsError {
  constructor(
    readonly kind: 'access-denied' | 'no-such-bucket' | 'unavailable' | 'other',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`object-store-${kind}`, message, options);
  }
}

export interface ObjectStore {
  /** Writes the object; rejects with ObjectStoreError when the location cannot be written. */
  put(location: S3Location, name: string, body: string | Buffer, opts?: PutOptions): Promise<StoredObject>;
  get(location: S3Location, name: string): Promise<Buffer | undefined>;
  /** Checks that the location can be written (bucket exists, access), before work that would write there; rejects with ObjectStoreError. */
  probe(location: S3Location): Promise<void>;
}

/**
 * Reads the S3 path forms DMS users write: `s3://bucket/prefix`, `arn:aws:s3:::bucket/prefix`,
 * or `bucket/prefix`. `member` names the API member in the error.
 */
export function parseS3Path(path: string, member: string): S3Location {
  const m = /^(?:s3:\/\/|arn:aws[a-z-]*:s3:::)?([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(path.trim());
  if (!m) {
    throw invalidParameter(
      `${member} '${path}' is not an S3 location: give s3://bucket/prefix, arn:aws:s3:::bucket/prefix or bucket/prefix, where the bucket name is 3 to 63 lower-case letters, digits, dots and hyphens.`,
    );
  }
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

export function objectKey(location: S3Location, name: string): string {
  return location.prefix ? `${location.prefix}/${name}` : name;
}

/** The local-folder object store. */
export class LocalObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  async put(location: S3Location, name: string, body: string | Buffer, _opts?: PutOptions): Promise<StoredObject> {
    const key = objectKey(location, name);
    const file = this.fileOf(location.bucket, key);
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body);
    } catch (err) {
      throw localError(err, location.bucket, file);
    }
    return { key, url: pathToFileURL(file).href };
  }

  /** The bucket's folder is created on first use (a local folder stands for any bucket); it must be writable. */
  async probe(location: S3Location): Promise<void> {
    const dir = this.fileOf(location.bucket, location.prefix || '.probe').replace(/\/\.probe$/, '');
    try {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
    } catch (err) {
      throw localError(err, location.bucket, dir);
    }
  }

  async get(location: S3Location, name: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.fileOf(location.bucket, objectKey(location, name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private fileOf(bucket: string, key: string): string {
    if (key === '') return resolve(this.root, bucket);
    const root = resolve(this.root, bucket);
    const file = resolve(join(root, key));
    // A key with ../ must not escape the bucket's folder.
    if (!file.startsWith(root + '/')) throw invalidParameter(`Object key '${key}' leaves its bucket: remove '..' from the name.`);
    return file;
  }
}

function localError(err: unknown, bucket: string, path: string): ObjectStoreError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new ObjectStoreError('access-denied', `Bucket ${bucket} (the local folder ${path}) cannot be written: ${code}. Give the OpenDMS process write access to its results folder (--results-dir).`, { cause: err });
  }
  return new ObjectStoreError('other', `Bucket ${bucket} (the local folder ${path}) cannot be written: ${(err as Error).message}`, { cause: err });
}
