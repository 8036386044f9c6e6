/**
 * The time a Lambda invocation has left. Handlers pass the Lambda `context` on; without one (a script, a test, the
 * CLI) a caller states the time it allows, so every loop in the core stops before its invoker would kill it.
 */

/** The part of Lambda's `context` the core uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** The remaining time of `context`, or of `fallbackMs` from now when there is no context. */
export function remainingTimeOf(context: LambdaContextLike | undefined, fallbackMs: number): () => number {
  if (context) return () => context.getRemainingTimeInMillis();
  const end = Date.now() + fallbackMs;
  return () => end - Date.now();
}
