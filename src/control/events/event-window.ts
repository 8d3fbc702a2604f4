/**
 * The time window of DescribeEvents. DMS documents only "the duration of the events to be
 * listed"; it inherits the API from Amazon RDS, whose DescribeEvents takes Duration in minutes
 * with a default of 60, so OpenDMS reads the members the same way:
 * - StartTime and EndTime: that window (Duration cannot be given as well);
 * - StartTime only: Duration minutes from StartTime, or up to now without Duration;
 * - EndTime only: Duration minutes (default 60) before EndTime;
 * - neither: the last Duration minutes (default 60).
 */
import { invalidCombination, invalidParameter } from '../../common/errors.js';

export const defaultDurationMinutes = 60;

export interface EventWindowInput {
  readonly StartTime?: Date;
  readonly EndTime?: Date;
  readonly Duration?: number;
}

export interface EventWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

export function eventWindow(input: EventWindowInput, now: Date): EventWindow {
  const { StartTime: start, EndTime: end, Duration: duration } = input;
  if (duration !== undefined && duration < 1) {
    throw invalidParameter(`Duration must be a positive number of minutes; got ${duration}.`);
  }
  if (start && end && start.getTime() > end.getTime()) {
    throw invalidParameter(`StartTime (${start.toISOString()}) is after EndTime (${end.toISOString()}); give a StartTime at or before the EndTime.`);
  }
  if (start && end && duration !== undefined) {
    throw invalidCombination('Give either StartTime and EndTime, or Duration with at most one of them, not all three.');
  }
  const minutes = (duration ?? defaultDurationMinutes) * 60_000;
  if (start && end) return { fromMs: start.getTime(), toMs: end.getTime() };
  if (start) return { fromMs: start.getTime(), toMs: duration !== undefined ? start.getTime() + minutes : Math.max(now.getTime(), start.getTime()) };
  if (end) return { fromMs: end.getTime() - minutes, toMs: end.getTime() };
  return { fromMs: now.getTime() - minutes, toMs: now.getTime() };
}
