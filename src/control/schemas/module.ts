/** Handlers of this resource family, wired by app.ts. (Being built: registers nothing yet.) */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { Connectors } from '../../connectors/registry.js';

export function schemaModule(_deps: ControlDeps, _shared: { connectors: Connectors }): HandlerTable {
  return {};
}
