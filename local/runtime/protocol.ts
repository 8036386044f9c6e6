/**
 * The messages between the runtime (parent) and a container (child process), over Node's IPC channel. It plays
 * the part of Lambda's Runtime API (`/runtime/invocation/next`, `/response`, `/error`, `/init/error`), one
 * invocation at a time, without an HTTP round trip.
 */

/** A thrown error as Lambda's Invoke API reports it. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
}

/** Parent to child: run the handler once. `deadline` is the epoch ms at which the invocation times out. */
export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: unknown;
  deadline: number;
}

/** Child to parent: the module is loaded (the init is done) and the handler found. */
export interface ReadyMessage {
  type: 'ready';
}

/** Child to parent: the init failed (module missing, throwing at import, no handler export); the child exits. */
export interface InitErrorMessage {
  type: 'init-error';
  error: LambdaErrorPayload;
}

/** Child to parent: one chunk of the function's output (stdout or stderr), in the order it was written. */
export interface LogMessage {
  type: 'log';
  text: string;
}

/** Child to parent: the invocation's outcome; `maxRssKb` is the container's peak resident set so far. */
export interface ResultMessage {
  type: 'result';
  requestId: string;
  outcome: { ok: true; result: unknown } | { ok: false; error: LambdaErrorPayload };
  maxRssKb: number;
}

export type ToContainer = InvokeMessage;
export type FromContainer = ReadyMessage | InitErrorMessage | LogMessage | ResultMessage;
