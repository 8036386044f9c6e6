import type { SimClock } from './types.js';

/**
 * The simulator's clock. It runs at real speed from its start point; `set` and `advance` move it, so tests can
 * reset rate-limit windows or age the System Log without waiting.
 */
export function createClock(start: 'real' | number = 'real'): SimClock {
  let offset = start === 'real' ? 0 : start - Date.now();
  return {
    now: () => Date.now() + offset,
    set(epochMs) {
      offset = epochMs - Date.now();
    },
    advance(ms) {
      offset += ms;
    },
  };
}

// Formatting dates is a large share of listing users; the same few timestamps recur, so they are cached.
const isoCache = new Map<number, string>();

/**
 * Okta's timestamp on users, groups, apps and hooks: ISO 8601 UTC to the second, written with a literal `.000Z`
 * (654 of 654 recorded timestamps). System Log `published` keeps real milliseconds (log-events.ts).
 */
export function isoDate(epochMs: number): string {
  let text = isoCache.get(epochMs);
  if (text === undefined) {
    if (isoCache.size > 200_000) isoCache.clear();
    text = new Date(Math.floor(epochMs / 1000) * 1000).toISOString();
    isoCache.set(epochMs, text);
  }
  return text;
}
