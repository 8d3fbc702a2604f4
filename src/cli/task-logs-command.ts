/**
 * `opendms logs <task-identifier-or-arn> [--data-dir <dir>] [--follow]`: prints a replication
 * task's log from the data folder (what DMS keeps in CloudWatch), without a running server.
 * An identifier is resolved through the store; an ARN is used as it is, so a deleted task's
 * log (which is kept) can still be read. --follow keeps printing what is appended, like tail -f.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createRepositories } from '../control/repositories.js';
import { lookUpTask } from '../control/replication-tasks/task-lookup.js';
import { TaskLogStore } from '../engine/task-log/task-log-store.js';
import { Store } from '../store/store.js';

const usage = 'usage: opendms logs <task-identifier-or-arn> [--data-dir <dir>] [--follow]';
const pollMs = 500;

interface Output {
  write(text: string): unknown;
}

export async function printTaskLog(argv: readonly string[], out: Output, err: Output): Promise<number> {
  let task: string | undefined;
  let follow = false;
  const configArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--follow' || a === '-f') follow = true;
    else if (a === '--data-dir') configArgs.push(a, argv[++i] ?? '');
    else if (a.startsWith('--data-dir=')) configArgs.push(a);
    else if (!a.startsWith('-') && task === undefined) task = a;
    else {
      err.write(`opendms logs: unexpected argument '${a}'\n${usage}\n`);
      return 2;
    }
  }
  if (task === undefined) {
    err.write(`opendms logs: name the task\n${usage}\n`);
    return 2;
  }
  const { dataDir } = loadConfig(configArgs);

  let arn = task;
  if (!task.startsWith('arn:')) {
    if (!existsSync(join(dataDir, 'opendms.sqlite'))) {
      err.write(`opendms logs: no OpenDMS data folder at ${dataDir}; pass --data-dir (or set OPENDMS_DATA_DIR) to the folder the server uses.\n`);
      return 1;
    }
    const store = new Store(dataDir);
    try {
      const found = lookUpTask(createRepositories(store), task);
      if (!found.ok) {
        err.write(`opendms logs: ${found.message}\n`);
        return 1;
      }
      arn = found.arn;
    } finally {
      store.close();
    }
  }

  const logs = new TaskLogStore(dataDir);
  if (logs.size(arn) === undefined && !follow) {
    err.write(`opendms logs: replication task ${task} has no log yet: the log is written once the task starts (use --follow to wait for it).\n`);
    return 1;
  }
  let offset = printFrom(logs, arn, 0, out);
  if (!follow) return 0;
  // Until interrupted: print whatever is appended.
  return await new Promise<number>((resolve) => {
    const timer = setInterval(() => {
      offset = printFrom(logs, arn, offset, out);
    }, pollMs);
    const end = (): void => {
      clearInterval(timer);
      resolve(0);
    };
    process.once('SIGINT', end);
    process.once('SIGTERM', end);
  });
}

/** Prints the log from `offset` to its end; returns the new offset. */
function printFrom(logs: TaskLogStore, arn: string, offset: number, out: Output): number {
  const { text, end } = logs.readFrom(arn, offset);
  if (text) out.write(text);
  return end;
}
