/**
 * The operation table at run time: every one of the model's operations is routed. Control
 * modules register handlers; an operation without one answers 501 naming it, never a fake
 * success.
 */
import { notImplemented } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { operations, type OperationName, type OperationTypes } from './generated/operations.js';

/** Account and region of a request, from its SigV4 credential scope; every resource lives in one. */
export interface Scope {
  readonly account: string;
  readonly region: string;
}

export interface RequestContext {
  readonly scope: Scope;
  readonly requestId: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

export type Handler<Op extends OperationName> = (
  input: OperationTypes[Op]['input'],
  ctx: RequestContext,
) => Promise<OperationTypes[Op]['output']> | OperationTypes[Op]['output'];

export type HandlerTable = { [Op in OperationName]?: Handler<Op> };

export class Dispatcher {
  private readonly handlers: HandlerTable = {};

  register(table: HandlerTable): void {
    for (const [op, h] of Object.entries(table) as [OperationName, Handler<OperationName>][]) {
      if (this.handlers[op]) throw new Error(`operation ${op} registered twice`);
      (this.handlers as Record<string, unknown>)[op] = h;
    }
  }

  isOperation(name: string): name is OperationName {
    return Object.prototype.hasOwnProperty.call(operations, name);
  }

  implemented(): OperationName[] {
    return Object.keys(this.handlers) as OperationName[];
  }

  async invoke(op: OperationName, input: unknown, ctx: RequestContext): Promise<unknown> {
    const handler = this.handlers[op] as Handler<OperationName> | undefined;
    if (!handler) throw notImplemented(op);
    return handler(input as never, ctx);
  }
}
