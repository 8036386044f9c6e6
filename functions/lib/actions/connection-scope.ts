/**
 * Which connection an action call may use (issue 14 item 2). IAM cannot read a request body, so `"connection":
 * "prod"` in an input is no boundary: an operator scopes callers by what IAM sees instead, the route
 * `/connections/{connection}/actions/<name>` (`execute-api:Invoke` on that path) or a function pinned to one
 * connection (`PINNED_CONNECTION`, `lambda:InvokeFunction` on that function). The connection they name is the
 * call's; an input naming another is refused, never quietly redirected, so a caller learns its mistake.
 */
import { InvalidInput } from '../errors.js';

/** What fixes a call's connection outside its input. */
export interface ConnectionScope {
  /** The `{connection}` of the per-connection route, when the call came through it. */
  path?: string;
  /** The connection the function is pinned to (`PINNED_CONNECTION`). */
  pinned?: string;
}

/**
 * The input with the scope's connection in it. An input that is not an object is returned as is (the validator
 * refuses it); one whose `connection` names another connection is `InvalidInput`.
 */
export function scopedInput(input: unknown, scope: ConnectionScope): unknown {
  const { path, pinned } = scope;
  if (path !== undefined && pinned !== undefined && path !== pinned) {
    throw new InvalidInput([
      { field: 'connection', problem: `this function serves only "${pinned}"; the path names "${path}"` },
    ]);
  }
  const fixed = pinned ?? path;
  if (fixed === undefined || typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const named = Object.hasOwn(input, 'connection') ? (input as { connection: unknown }).connection : undefined;
  if (named !== undefined && named !== fixed) {
    const by = pinned !== undefined ? 'this function is pinned to' : 'the path names';
    throw new InvalidInput([{ field: 'connection', problem: `must be "${fixed}", the connection ${by}` }]);
  }
  return { ...input, connection: fixed };
}
