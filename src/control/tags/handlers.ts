/** AddTagsToResource, RemoveTagsFromResource, ListTagsForResource. */
import type { HandlerTable } from '../../api/dispatch.js';
import { invalidCombination } from '../../common/errors.js';
import type { TagService } from './tag-service.js';

export function tagHandlers(tags: TagService): HandlerTable {
  return {
    AddTagsToResource: (input, { scope }) => {
      tags.add(scope, input.ResourceArn, input.Tags);
      return {};
    },
    RemoveTagsFromResource: (input, { scope }) => {
      tags.remove(scope, input.ResourceArn, input.TagKeys);
      return {};
    },
    ListTagsForResource: (input, { scope }) => {
      const arns = [...(input.ResourceArn ? [input.ResourceArn] : []), ...(input.ResourceArnList ?? [])];
      if (arns.length === 0) throw invalidCombination('ListTagsForResource needs ResourceArn or ResourceArnList.');
      for (const arn of arns) tags.requireResource(scope, arn);
      return { TagList: arns.flatMap((arn) => tags.list(arn)) };
    },
  };
}
