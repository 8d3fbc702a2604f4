/**
 * Where results and exports go (assessment reports, converted scripts): an S3-compatible
 * location. By default a local folder (the results dir) standing in for S3: bucket
 * `b` and key `k` are the file `<resultsDir>/b/k`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalidParameter } from '../common/errors.js';

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

export interface ObjectStore {
  put(location: S3Location, name: string, body: string | Buffer): Promise<StoredObject>;
  get(location: S3Location, name: string): Promise<Buffer | undefined>;
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

  async put(location: S3Location, name: string, body: string | Buffer): Promise<StoredObject> {
    const key = objectKey(location, name);
    const file = this.fileOf(location.bucket, key);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, body);
    return { key, url: pathToFileURL(file).href };
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
    const root = resolve(this.root, bucket);
    const file = resolve(join(root, key));
    // A key with ../ must not escape the bucket's folder.
    if (!file.startsWith(root + '/')) throw invalidParameter(`Object key '${key}' leaves its bucket: remove '..' from the name.`);
    return file;
  }
}
