/**
 * Picks the object store from the configuration: a real S3-compatible server when one is
 * configured, else the local results folder. The one place that knows both kinds, so the
 * composition root passes settings and gets an ObjectStore back.
 */
import { LocalObjectStore, type ObjectStore } from './object-store.js';
import { S3ObjectStore, type S3Settings } from './s3-object-store.js';

export type { S3Settings } from './s3-object-store.js';

export interface ObjectStoreSettings {
  /** The local folder standing in for S3 when `s3` is not given. */
  readonly resultsDir: string;
  readonly s3?: S3Settings;
}

export function createObjectStore(s: ObjectStoreSettings): ObjectStore {
  return s.s3 ? new S3ObjectStore(s.s3) : new LocalObjectStore(s.resultsDir);
}
