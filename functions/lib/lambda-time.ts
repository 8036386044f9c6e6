/**
 * The time a Lambda invocation has left, and the one place for every function's deadlines. Handlers pass the
 * Lambda `context` on; without one (a script, a test, the CLI) a caller states the time it allows, so every loop in
 * the core stops before its invoker would kill it.
 */

/** The part of Lambda's `context` the core uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/**
 * The time a function allows itself when invoked with no Lambda context (a script, a test): a trigger a minute, an
 * action 30 s (the stack's action timeout), the replay no limit (the CLI runs it, and nothing kills the CLI).
 */
export const noContextAllowanceMs = { trigger: 60_000, action: 30_000, replay: Number.POSITIVE_INFINITY } as const;

/**
 * How much of its remaining time each trigger's loop keeps back when deciding to start one more step: a System
 * Log page, a replayed page (query and publish, 15 s), or a search window (query and publish, 20 s).
 */
export const stopWhenRemainingMs = { poll: 15_000, replay: 15_000, scheduledSearch: 20_000 } as const;

/** The longest one step (a page and its publish) is given when nothing else bounds it: Lambda's longest run. */
export const LONGEST_STEP_MS = 15 * 60_000;

/**
 * Time kept back from the remaining time to answer after the last Okta call: an action's log line, metric and HTTP
 * body (1 s), a direct search's answer (2 s, it may carry many events).
 */
export const answerMarginMs = { action: 1_000, directSearch: 2_000 } as const;

/** The remaining time of `context`, or of `fallbackMs` from now when there is no context. */
export function remainingTimeOf(
  context: LambdaContextLike | undefined,
  fallbackMs: number = noContextAllowanceMs.trigger,
): () => number {
  if (typeof context?.getRemainingTimeInMillis === 'function') return () => context.getRemainingTimeInMillis();
  const end = Date.now() + fallbackMs;
  return () => end - Date.now();
}

/** The epoch ms by which work started at `started` must end: the remaining time less `marginMs`, never before `started`. */
export function deadlineOf(remainingMs: () => number, started: number, marginMs: number): number {
  return started + Math.max(0, remainingMs() - marginMs);
}
