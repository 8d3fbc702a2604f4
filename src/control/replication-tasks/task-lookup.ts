/**
 * Finds a task by identifier or ARN outside an API request (the `opendms logs` command, the
 * log route), where there is no caller scope: an ARN is used as it is (it also names a deleted
 * task's log); an identifier is looked up in every scope and must name exactly one task.
 */
import type { Repositories } from '../repositories.js';

export type TaskLookup = { readonly ok: true; readonly arn: string; readonly name: string } | { readonly ok: false; readonly message: string };

export function lookUpTask(repos: Pick<Repositories, 'tasks'>, idOrArn: string): TaskLookup {
  if (idOrArn.startsWith('arn:')) {
    const t = repos.tasks.get(idOrArn);
    return { ok: true, arn: idOrArn, name: t?.identifier ?? idOrArn };
  }
  const id = idOrArn.toLowerCase();
  const found = repos.tasks.all().filter((t) => t.identifier === id);
  if (found.length === 0) return { ok: false, message: `No replication task '${idOrArn}' found. Give its identifier or its ARN (a deleted task's log is found by its ARN).` };
  if (found.length > 1) {
    return { ok: false, message: `Replication task identifier '${idOrArn}' is used in several accounts or regions; give the ARN: ${found.map((t) => t.arn).join(', ')}.` };
  }
  return { ok: true, arn: found[0]!.arn, name: found[0]!.identifier };
}
