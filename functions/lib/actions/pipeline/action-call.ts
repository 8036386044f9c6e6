/**
 * What the steps of the action pipeline share about one call (middy's per-request `internal`): when it started,
 * how it was invoked, the connection, the secrets to blank in its log line, and the outcome the caller gets. The
 * call record opens it, first of all, from the event as invoked.
 */
import type { Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConnectorError } from '../../errors.js';
import type { OktaClient } from '../../okta/client.js';
import { invocationShape, type InvocationShape } from '../api-events.js';

export interface ActionCall {
  /** Epoch ms the call started. */
  started: number;
  shape: InvocationShape;
  /** The connection the call runs against, once the input named it (or the default applied). */
  connection?: string;
  okta?: OktaClient;
  /** Secret values (the input's passwords and answers, the connection's credentials) blanked in the log line. */
  secrets: string[];
  /** Set when the call failed: the error the caller gets, and what was thrown (kept for the log only). */
  error?: ConnectorError;
  thrown?: unknown;
}

/** What an action's `run` gets besides its input and client. */
export interface ActionContext {
  /** Epoch ms by which the action must be done (the Lambda's remaining time minus a safety margin). */
  deadline: number;
  /** The connection the call runs against. */
  connection: string;
  logger: Logger;
}

/** The Lambda context the handler body gets: a copy of the invocation's, with the call's client and deadline. */
export type ActionLambdaContext = Context & { okta: OktaClient; action: ActionContext };

// A type, not an interface: middy wants `internal` to be a Record.
export type ActionInternal = { call?: ActionCall };
export type ActionRequest = Request<unknown, unknown, Error, Context, ActionInternal>;

/** Opens the call of `request`, from its event as invoked (before any step replaces the event). */
export function openCall(request: ActionRequest, started: number): ActionCall {
  const call: ActionCall = { started, shape: invocationShape(request.event), secrets: [] };
  request.internal.call = call;
  return call;
}

/** The call of `request`; the call record's `before` opens it, so a step before that one is a wiring mistake. */
export function callOf(request: ActionRequest): ActionCall {
  const call = request.internal.call;
  if (!call) throw new Error('action pipeline: the call record must be the first middleware');
  return call;
}
