/** Injected time source so lifecycle delays and timestamps are testable. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
