/** Events, event categories and event subscriptions, wired by app.ts. */
import type { HandlerTable } from '../../api/dispatch.js';
import { EventRepository } from '../../store/event-repository.js';
import type { ControlDeps } from '../deps.js';
import { EventService } from './event-service.js';
import { eventHandlers } from './handlers.js';
import { SubscriptionService } from './subscription-service.js';

export function eventModule(deps: ControlDeps): HandlerTable {
  return eventHandlers(deps, new EventService(new EventRepository(deps.store), deps.clock), new SubscriptionService(deps));
}
