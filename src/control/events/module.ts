/** Handlers of this resource family, wired by app.ts. (Being built: registers nothing yet.) */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';

export function eventModule(_deps: ControlDeps): HandlerTable {
  return {};
}
