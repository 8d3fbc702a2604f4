/**
 * The weekly maintenance window, `ddd:hh24:mi-ddd:hh24:mi` in UTC (e.g. `sun:04:00-sun:04:30`).
 * Deferred modifications and `next-maintenance` opt-ins are applied when it next opens.
 */
import { invalidParameter } from '../../common/errors.js';

const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const minutesPerWeek = 7 * 24 * 60;
const windowRe = /^([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})$/;

/**
 * New instances get this window when they name none. DMS picks one at random per region;
 * a fixed one keeps OpenDMS predictable.
 */
export const defaultMaintenanceWindow = 'sun:04:00-sun:04:30';

export interface MaintenanceWindow {
  /** Minutes since Sunday 00:00 UTC. */
  readonly start: number;
  readonly end: number;
}

/** Parses and normalises (lowercase) a window; refuses bad forms and windows under 30 minutes. */
export function parseMaintenanceWindow(text: string): { normalised: string; window: MaintenanceWindow } {
  const m = windowRe.exec(text.trim().toLowerCase());
  const point = (d: string, h: string, mi: string): number | undefined => {
    const day = days.indexOf(d as (typeof days)[number]);
    const hour = Number(h);
    const minute = Number(mi);
    if (day < 0 || hour > 23 || minute > 59) return undefined;
    return day * 1440 + hour * 60 + minute;
  };
  const start = m ? point(m[1]!, m[2]!, m[3]!) : undefined;
  const end = m ? point(m[4]!, m[5]!, m[6]!) : undefined;
  if (start === undefined || end === undefined) {
    throw invalidParameter(
      `PreferredMaintenanceWindow '${text}' is not valid: use the form ddd:hh24:mi-ddd:hh24:mi in UTC with days Mon, Tue, Wed, Thu, Fri, Sat or Sun, for example Tue:04:00-Tue:04:30.`,
    );
  }
  const length = (end - start + minutesPerWeek) % minutesPerWeek;
  if (length < 30) {
    throw invalidParameter(`PreferredMaintenanceWindow '${text}' is ${length} minutes long; a maintenance window must last at least 30 minutes.`);
  }
  return { normalised: text.trim().toLowerCase(), window: { start, end } };
}

/**
 * When the window next opens after `now`: `now` itself when the window is open, so a change
 * deferred during the window is applied in it.
 */
export function nextWindowStart(windowText: string, now: Date): Date {
  const { window } = parseMaintenanceWindow(windowText);
  const weekStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - now.getUTCDay());
  const nowMin = (now.getTime() - weekStart) / 60_000;
  const sinceStart = (nowMin - window.start + minutesPerWeek) % minutesPerWeek;
  const length = (window.end - window.start + minutesPerWeek) % minutesPerWeek;
  if (sinceStart < length) return now;
  return new Date(now.getTime() + (minutesPerWeek - sinceStart) * 60_000);
}
