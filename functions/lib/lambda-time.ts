/**
 * The time a Lambda invocation has left, and the one place for the triggers' deadlines. Handlers pass the Lambda
 * `context` on; without one (a script, a test, the CLI) a caller states the time it allows, so every loop in the
 * core stops before its invoker would kill it.
 */

/** The part of Lambda's `context` the core uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** The time a trigger allows itself when invoked with no Lambda context (a script, a test). */
export const NO_CONTEXT_ALLOWANCE_MS = 60_000;

/**
 * How much of its remaining time each trigger's loop keeps back when deciding to start one more step: a System
 * Log page, a replayed page (query and publish, 15 s), or a search window (query and publish, 20 s).
 */
export const stopWhenRemainingMs = { poll: 15_000, replay: 15_000, scheduledSearch: 20_000 } as const;

/** The remaining time of `context`, or of `fallbackMs` from now when there is no context. */
export function remainingTimeOf(
  context: LambdaContextLike | undefined,
  fallbackMs: number = NO_CONTEXT_ALLOWANCE_MS,
): () => number {
  if (context) return () => context.getRemainingTimeInMillis();
  const end = Date.now() + fallbackMs;
  return () => end - Date.now();
}
