/**
 * The record of one action call: one structured log line (action, connection, invocation shape, outcome, error
 * type, Okta request ids, retries, latency) and one EMF metric record (`ActionSucceeded` or `ActionFailed`, with
 * `ActionLatency`, by action and error type). The input and output are never logged: they hold passwords,
 * recovery answers and one-time links; the Logger's redaction is the second line of defence.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { InvocationShape } from './api-events.js';
import type { ConnectorError } from '../errors.js';
import { MetricUnit, redactValues } from '../observability.js';
import type { OktaClient } from '../okta/client.js';

export interface CallRecord {
  logger: Logger;
  metrics: Metrics;
  action: string;
  shape: InvocationShape;
  connection?: string;
  okta?: OktaClient;
  latencyMs: number;
  context?: Context;
  /** Set when the call failed: the error the caller gets, and what was thrown (kept for the log only). */
  error?: ConnectorError;
  thrown?: unknown;
  /** The secret values of the input (passwords, answers), blanked out wherever they appear in the log line. */
  secrets?: string[];
}

let coldStart = true;

/** Writes the call's log line and metrics. Never throws: a logging failure must not change the answer. */
export function recordCall(record: CallRecord): void {
  try {
    writeLogLine(record);
    writeMetrics(record);
  } catch {
    // Nothing sensible to do: the answer to the caller matters more than its record.
  }
  coldStart = false;
}

function writeLogLine(record: CallRecord): void {
  const { logger, error } = record;
  const stats = record.okta?.stats();
  const line = {
    action: record.action,
    connection: record.connection,
    invocation: record.shape,
    outcome: error ? 'failure' : 'success',
    errorType: error?.name,
    httpStatus: error?.httpStatus ?? (record.shape === 'direct' ? undefined : 200),
    oktaErrorCode: error?.oktaErrorCode,
    oktaStatus: error?.oktaStatus,
    oktaRequestIds: stats?.requestIds,
    oktaRequests: stats?.requests,
    retries: stats?.retries,
    latencyMs: record.latencyMs,
    coldStart,
    awsRequestId: record.context?.awsRequestId,
  };
  if (!error) logger.info('action succeeded', line);
  // An unexpected error may quote the input (a password in an exception message): its known secrets are blanked.
  else if (error.name === 'InternalError')
    logger.error('action failed', { ...line, error: redactValues(record.thrown, record.secrets ?? []) });
  else logger.warn('action failed', { ...line, errorMessage: error.message });
}

function writeMetrics(record: CallRecord): void {
  const { metrics, error } = record;
  metrics.addDimensions(error ? { action: record.action, errorType: error.name } : { action: record.action });
  metrics.addMetric(error ? 'ActionFailed' : 'ActionSucceeded', MetricUnit.Count, 1);
  metrics.addMetric('ActionLatency', MetricUnit.Milliseconds, record.latencyMs);
  metrics.publishStoredMetrics();
}
