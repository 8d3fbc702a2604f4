/**
 * A row the target refused (a value out of range, too long, of the wrong type, a duplicate
 * key ...): the data error DMS's ErrorBehavior policies act on, as opposed to a connection or
 * DDL failure. TableWriter.write rejects with it.
 *
 * Contract: nothing of the failed write() call is kept, and the writer stays usable (its
 * transaction goes on with what earlier calls wrote). So the engine can find the bad rows by
 * writing the same rows again one at a time (write([row])): each refused row rejects alone
 * and can be logged and skipped, the others are written.
 */
import { OpenDmsError } from '../../common/errors.js';
import type { TableRef } from './data-types.js';

export class DataLoadError extends OpenDmsError {
  readonly table: TableRef;
  /** 0-based index in the rows of the failed write() call, when the target said which. */
  readonly rowIndex: number | undefined;
  /** True when the value was too long or would have been truncated (DataTruncationErrorPolicy). */
  readonly truncation: boolean;
  /** The server's own message, e.g. "Data too long for column 'name' at row 3". */
  readonly serverMessage: string;

  constructor(opts: { table: TableRef; rowIndex?: number; truncation: boolean; serverMessage: string; cause?: unknown }) {
    const at = opts.rowIndex === undefined ? '' : ` (row ${opts.rowIndex + 1} of the batch)`;
    super('data-error', `${opts.table.schema}.${opts.table.name}: the target refused a row${at}: ${opts.serverMessage}`, { cause: opts.cause });
    this.table = opts.table;
    this.rowIndex = opts.rowIndex;
    this.truncation = opts.truncation;
    this.serverMessage = opts.serverMessage;
  }
}
