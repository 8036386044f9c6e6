/**
 * The three ways an action is invoked (docs/CONTRACT.md §2): an API Gateway REST (v1) proxy event, an HTTP API (v2)
 * proxy event, or a direct invoke whose payload is the input itself (Step Functions, the SDK). This module tells
 * them apart, reads the input out of them and shapes the HTTP answer.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInput, type ErrorBody } from '../errors.js';

export type InvocationShape = 'rest' | 'http' | 'direct';

/**
 * How the function was invoked. An API Gateway event is recognised by its `requestContext` and `httpMethod` (REST)
 * or `version: "2.0"` (HTTP API); no valid action input has those fields, so a direct payload is never mistaken.
 */
export function invocationShape(event: unknown): InvocationShape {
  if (!isApiGatewayEvent(event)) return 'direct';
  return event.version === '2.0' ? 'http' : 'rest';
}

/**
 * The input as sent: the parsed JSON body (maybe base64) over HTTP, the payload itself on direct invoke.
 * A malformed body is `InvalidInput`.
 */
export function readInput(event: unknown, shape: InvocationShape): unknown {
  if (shape === 'direct' || !isApiGatewayEvent(event)) return event;
  return parseBody(event.body, event.isBase64Encoded === true);
}

/**
 * The `{connection}` of the per-connection route (`/connections/{connection}/actions/<name>`), when the call came
 * through it; percent-encoding is undone (no connection name holds a `%`).
 */
export function pathConnection(event: unknown, shape: InvocationShape): string | undefined {
  if (shape === 'direct' || !isApiGatewayEvent(event)) return undefined;
  const parameters = event.pathParameters;
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  const value = (parameters as Record<string, unknown>).connection;
  if (typeof value !== 'string') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The HTTP answer: JSON, with the status of the outcome. Same shape for REST and HTTP API. */
export function httpResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** The HTTP answer of a failed call: the error status and `{"error": {...}}`, with `Retry-After` when known. */
export function httpErrorResponse(statusCode: number, body: ErrorBody): APIGatewayProxyResult {
  const response = httpResponse(statusCode, body);
  const retryAfter = body.error.retryAfterSeconds;
  if (retryAfter !== undefined) response.headers = { ...response.headers, 'retry-after': String(retryAfter) };
  return response;
}

interface ApiGatewayEventLike {
  requestContext: unknown;
  httpMethod?: unknown;
  version?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
  pathParameters?: unknown;
}

function isApiGatewayEvent(event: unknown): event is ApiGatewayEventLike {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const e = event as Record<string, unknown>;
  if (typeof e.requestContext !== 'object' || e.requestContext === null) return false;
  return typeof e.httpMethod === 'string' || e.version === '2.0';
}

function parseBody(body: unknown, base64: boolean): unknown {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'string') throw new InvalidInput('the request body must be JSON');
  const text = base64 ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInput('the request body is not valid JSON');
  }
}
