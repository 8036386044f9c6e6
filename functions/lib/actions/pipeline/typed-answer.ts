/**
 * The answer step (docs/CONTRACT.md §2): over HTTP (REST or HTTP API) the output with 200, an error as its status
 * and `{"error": {...}}`; on direct invoke the output itself, or a thrown error whose `name` is the CONTRACT type
 * (what a Step Functions `Retry`/`Catch` matches), without stack or cause.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { OktaUnavailable, toConnectorError, type ConnectorError } from '../../errors.js';
import { httpErrorResponse, httpResponse } from '../api-events.js';
import { callOf, type ActionInternal } from './action-call.js';

/** The middleware; use it right after the call record, so the record sees the typed error. */
export function typedAnswer(): MiddlewareObj<unknown, unknown, Error, Context, ActionInternal> {
  return {
    name: 'typedAnswer',
    after: (request) => {
      if (callOf(request).shape !== 'direct') request.response = httpResponse(200, request.response);
    },
    onError: (request) => {
      const call = callOf(request);
      const error = asConnectorError(request.error);
      call.error = error;
      call.thrown = request.error;
      if (call.shape !== 'direct') request.response = httpErrorResponse(error.httpStatus, error.toBody());
      // With no response set, middy throws `request.error` to the invoker.
      else request.error = callerError(error);
    },
  };
}

function asConnectorError(thrown: unknown): ConnectorError {
  // An AbortSignal timeout that escaped the client still means Okta did not answer in time.
  if (thrown instanceof Error && thrown.name === 'TimeoutError') {
    return new OktaUnavailable('Okta did not answer before the action ran out of time', { cause: thrown });
  }
  return toConnectorError(thrown);
}

/**
 * The error a direct invoker sees: same type, name and message, without the stack (the Lambda runtime returns
 * `stack` as `trace`) and without the cause (which may hold internals; it is in the log line). Lambda's Node.js
 * runtime returns only `errorType` and `errorMessage` of a thrown error (a Step Functions `Catch` sees them as
 * `Error` and `Cause`), so a `retryAfterSeconds` is also said in the message, where such a caller can read it.
 */
export function callerError(error: ConnectorError): ConnectorError {
  const clean = Object.create(Object.getPrototypeOf(error) as object) as ConnectorError;
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'cause') Object.defineProperty(clean, key, { value, enumerable: true });
  }
  const message =
    error.retryAfterSeconds === undefined
      ? error.message
      : `${error.message} (retryAfterSeconds: ${error.retryAfterSeconds})`;
  Object.defineProperty(clean, 'message', { value: message, enumerable: false, writable: true });
  Object.defineProperty(clean, 'stack', {
    value: `${error.name}: ${message}`,
    enumerable: false,
    writable: true,
  });
  return clean;
}
