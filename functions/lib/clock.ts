/**
 * The one clock of the core: `now` and `sleep`, injected as default parameters so a test or a benchmark can run a
 * component on simulated time.
 */

/** Function-typed members: a component takes `clock.now` or `clock.sleep` alone (neither uses `this`). */
export interface Clock {
  /** Epoch ms. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Waits `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

export const systemClock: Clock = { now: () => Date.now(), sleep };
