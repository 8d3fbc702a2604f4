/**
 * Task logs as files in the data folder, one per task (`<data-dir>/task-logs/<task id>.log`):
 * what DMS keeps only in CloudWatch. The engine appends; the control plane lists their sizes
 * (DescribeReplicationInstanceTaskLogs) and serves them (HTTP route, `opendms logs`).
 *
 * Line format, close to DMS's own:
 *   2026-11-22T10:00:00.123Z [TARGET_LOAD     ]I:  Load finished for table "public"."t": 10 rows
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSeverity } from '../ports.js';

const severityLetter: Record<LogSeverity, string> = {
  LOGGER_SEVERITY_ERROR: 'E',
  LOGGER_SEVERITY_WARNING: 'W',
  LOGGER_SEVERITY_INFO: 'I',
  LOGGER_SEVERITY_DEFAULT: 'I',
  LOGGER_SEVERITY_DEBUG: 'D',
  LOGGER_SEVERITY_DETAILED_DEBUG: 'T',
};

/** Verbosity order: a component set to a severity logs that and everything more severe. */
export const severityRank: Record<LogSeverity, number> = {
  LOGGER_SEVERITY_ERROR: 0,
  LOGGER_SEVERITY_WARNING: 1,
  LOGGER_SEVERITY_INFO: 2,
  LOGGER_SEVERITY_DEFAULT: 2,
  LOGGER_SEVERITY_DEBUG: 3,
  LOGGER_SEVERITY_DETAILED_DEBUG: 4,
};

export interface TaskLogWriter {
  /** Writes the line when the component's configured severity lets it through. */
  log(component: string, severity: LogSeverity, message: string): void;
}

export class TaskLogStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'task-logs');
    mkdirSync(this.dir, { recursive: true });
  }

  /** The log file of a task: named after the last part of its ARN, which never changes. */
  pathOf(taskArn: string): string {
    const id = taskArn.slice(taskArn.lastIndexOf(':') + 1).replace(/[^A-Za-z0-9-]/g, '_');
    return join(this.dir, `${id}.log`);
  }

  /**
   * A writer honouring the task's Logging settings: with logging disabled only errors and
   * warnings are written (OpenDMS never loses those); otherwise each component writes what
   * its severity allows, LOGGER_SEVERITY_DEFAULT (INFO) when it is not listed.
   */
  writer(taskArn: string, logging: { readonly enabled: boolean; readonly components: Readonly<Record<string, LogSeverity>> }, now: () => Date = () => new Date()): TaskLogWriter {
    const path = this.pathOf(taskArn);
    return {
      log: (component, severity, message) => {
        const allowed = logging.enabled ? (logging.components[component] ?? 'LOGGER_SEVERITY_DEFAULT') : 'LOGGER_SEVERITY_WARNING';
        if (severityRank[severity] > severityRank[allowed]) return;
        const line = `${now().toISOString()} [${component.padEnd(16)}]${severityLetter[severity]}:  ${message.replace(/\n/g, '\n    ')}\n`;
        appendFileSync(path, line);
      },
    };
  }

  /** Size in bytes, or undefined when the task has written no log yet. */
  size(taskArn: string): number | undefined {
    const path = this.pathOf(taskArn);
    return existsSync(path) ? statSync(path).size : undefined;
  }

  /** The whole log, or its last `tailBytes` bytes (from a line start). */
  read(taskArn: string, tailBytes?: number): string | undefined {
    const path = this.pathOf(taskArn);
    if (!existsSync(path)) return undefined;
    if (tailBytes === undefined) return readFileSync(path, 'utf8');
    const start = Math.max(0, statSync(path).size - tailBytes);
    const { text } = this.readFrom(taskArn, start);
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  }

  /**
   * What the log holds from byte `offset` on, and the offset after it (for following a log).
   * A log shorter than `offset` was replaced (a new task under the same ARN): read it whole.
   */
  readFrom(taskArn: string, offset: number): { readonly text: string; readonly end: number } {
    const path = this.pathOf(taskArn);
    if (!existsSync(path)) return { text: '', end: offset };
    const size = statSync(path).size;
    const start = size < offset ? 0 : offset;
    const buf = Buffer.alloc(size - start);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return { text: buf.toString('utf8'), end: size };
  }

  remove(taskArn: string): void {
    rmSync(this.pathOf(taskArn), { force: true });
  }
}
