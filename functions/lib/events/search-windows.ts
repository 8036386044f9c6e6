/**
 * The windows a scheduled search covers. Windows end `settle` (2 minutes) before now, because a bounded query may
 * miss events Okta has not yet persisted (SLQ: "Some events may be delayed").
 */
import type { TimeRange } from './time-range.js';

export const SETTLE_MS = 2 * 60_000;
/** Windows one run covers at most, so a long outage is caught up over several runs. */
export const MAX_WINDOWS_PER_RUN = 48;

/**
 * The windows a run covers: consecutive ranges of `windowMs` starting at the cursor (or, on a first run, the last
 * whole window), each ending no later than now minus the settle delay. Consecutive runs therefore cover
 * consecutive windows: no gap, no overlap.
 */
export function windowsToCover(cursorUntil: string | undefined, now: number, windowMs: number): TimeRange[] {
  const latestEnd = now - SETTLE_MS;
  let start = cursorUntil ? Date.parse(cursorUntil) : Math.floor(latestEnd / windowMs) * windowMs - windowMs;
  const windows: TimeRange[] = [];
  while (start + windowMs <= latestEnd && windows.length < MAX_WINDOWS_PER_RUN) {
    windows.push({ since: new Date(start).toISOString(), until: new Date(start + windowMs).toISOString() });
    start += windowMs;
  }
  return windows;
}
