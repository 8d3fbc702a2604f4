/**
 * Tags of every taggable resource. Create* operations attach their `Tags` through
 * `attach`; the tag operations work on any stored resource by ARN.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Tag } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import type { Store } from '../../store/store.js';
import type { TagRepository, TagRecord } from '../../store/tag-repository.js';
import { inScope } from '../shared/arn.js';
import { notFound } from '../shared/faults.js';

const maxTagsPerResource = 50;

export class TagService {
  constructor(
    private readonly store: Store,
    private readonly repo: TagRepository,
  ) {}

  /** Checks tags from a request: key present, 1-128 characters, value at most 256, no aws: prefix. */
  check(tags: readonly Tag[] | undefined): TagRecord[] {
    const out: TagRecord[] = [];
    for (const t of tags ?? []) {
      if (t.Key === undefined || t.Key.length < 1 || t.Key.length > 128) {
        throw invalidParameter(`Tag key ${t.Key === undefined ? '(missing)' : `'${t.Key}'`} is not valid: every tag needs a Key of 1 to 128 characters.`);
      }
      if (t.Key.toLowerCase().startsWith('aws:')) throw invalidParameter(`Tag key '${t.Key}' is not valid: keys starting with 'aws:' are reserved.`);
      if (t.Value !== undefined && t.Value.length > 256) throw invalidParameter(`The value of tag '${t.Key}' is longer than 256 characters.`);
      out.push(t.Value === undefined ? { key: t.Key } : { key: t.Key, value: t.Value });
    }
    return out;
  }

  /** Attaches checked tags to a resource being created (inside the create transaction). */
  attach(arn: string, tags: readonly Tag[] | undefined): void {
    const checked = this.check(tags);
    if (checked.length > maxTagsPerResource) throw invalidParameter(`A resource can have at most ${maxTagsPerResource} tags; ${checked.length} were given.`);
    this.repo.put(arn, checked);
  }

  list(arn: string): Tag[] {
    return this.repo.list(arn).map((t) => ({ Key: t.key, ...(t.value !== undefined ? { Value: t.value } : {}), ResourceArn: arn }));
  }

  add(scope: Scope, arn: string, tags: readonly Tag[]): void {
    const checked = this.check(tags);
    this.store.tx(() => {
      this.requireResource(scope, arn);
      const keys = new Set([...this.repo.list(arn).map((t) => t.key), ...checked.map((t) => t.key)]);
      if (keys.size > maxTagsPerResource) throw invalidParameter(`A resource can have at most ${maxTagsPerResource} tags; this would make ${keys.size}.`);
      this.repo.put(arn, checked);
    });
  }

  remove(scope: Scope, arn: string, keys: readonly string[]): void {
    this.store.tx(() => {
      this.requireResource(scope, arn);
      this.repo.remove(arn, keys);
    });
  }

  /** Called when a resource is deleted. */
  removeAll(arn: string): void {
    this.repo.removeAll(arn);
  }

  requireResource(scope: Scope, arn: string): void {
    const row = inScope(arn, scope) ? this.store.db.prepare('SELECT 1 FROM resources WHERE arn = ?').get(arn) : undefined;
    if (!row) throw notFound('Resource', arn);
  }
}
