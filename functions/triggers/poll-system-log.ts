/**
 * The polled-events trigger (docs/CONTRACT.md §5): an EventBridge schedule per connection (every minute by default)
 * invokes it with `{"connection": "<name>"}`. Reserved concurrency 1 in AWS; the cursor's conditional writes keep it
 * safe even if two runs overlap. Returns the run's summary and writes one log line and its metrics.
 *
 * `POLL_LOOKBACK_MINUTES` (default 15) sets where a connection's very first run starts; `POLL_PAGE_SIZE` (default
 * 1000, Okta's maximum) the events asked for per page.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { config } from '../lib/config.js';
import { readDeliveryMessage } from '../lib/events/delivery-queue.js';
import { InvalidInput } from '../lib/errors.js';
import { countMetric, logger, MetricUnit } from '../lib/observability.js';
import { remainingTimeOf, type LambdaContextLike } from '../lib/lambda-time.js';
import { runTrigger } from '../lib/trigger-run.js';
import { oktaClient } from '../lib/okta/client-cache.js';
import type { OktaClient } from '../lib/okta/client.js';
import { pollSystemLog, rateLimitHeadroom, type PollDeps, type PollSummary } from '../lib/events/system-log.js';

export interface PollInput {
  connection?: string;
}

export interface PollHandlerDeps extends Partial<Omit<PollDeps, 'okta' | 'remainingMs'>> {
  okta?: OktaClient;
}

/**
 * Polls the connection's System Log once (the schedule's target). In verified mode the hand-off queue's mapping
 * invokes it too, with a batch of wake messages: see `pollWoken`.
 */
export async function handler(
  input: PollInput,
  context?: LambdaContextLike,
  deps?: PollHandlerDeps,
): Promise<PollSummary>;
export async function handler(
  input: SQSEvent,
  context?: LambdaContextLike,
  deps?: PollHandlerDeps,
): Promise<SQSBatchResponse>;
export async function handler(
  input: PollInput | SQSEvent = {},
  context?: LambdaContextLike,
  deps: PollHandlerDeps = {},
): Promise<PollSummary | SQSBatchResponse> {
  if ('Records' in input) return pollWoken(input, context, deps);
  return pollOnce(input, context, deps);
}

/**
 * Verified mode (docs/TRIGGERS.md): each message of the batch is a delivery that only asks for a poll. The batch is
 * coalesced to one poll per connection, so a burst of deliveries costs a few System Log reads, not one each; the
 * messages of a connection whose poll failed are `batchItemFailures` (SQS gives them again, then dead-letters them).
 */
async function pollWoken(event: SQSEvent, context: LambdaContextLike | undefined, deps: PollHandlerDeps) {
  const byConnection = new Map<string, string[]>();
  const failed: string[] = [];
  for (const record of event.Records) {
    const connection = readDeliveryMessage(record.body)?.connection;
    if (connection === undefined) failed.push(record.messageId);
    else byConnection.set(connection, [...(byConnection.get(connection) ?? []), record.messageId]);
  }
  for (const [connection, messageIds] of byConnection) {
    try {
      await pollOnce({ connection }, context, deps);
    } catch {
      failed.push(...messageIds);
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

async function pollOnce(
  input: PollInput,
  context: LambdaContextLike | undefined,
  deps: PollHandlerDeps,
): Promise<PollSummary> {
  if (input.connection !== undefined && typeof input.connection !== 'string') {
    throw new InvalidInput([{ field: 'connection', problem: 'must be a string' }]);
  }
  const cfg = config();
  const okta = deps.okta ?? (await oktaClient(input.connection));
  const connection = okta.connection.name;
  const run = {
    failed: 'System Log poll failed',
    fields: { connection },
    done(summary: PollSummary) {
      countMetric('EventsPublished', { trigger: 'poll', connection }, summary.published);
      if (summary.lagSeconds !== undefined)
        countMetric('PollerLagSeconds', { connection }, summary.lagSeconds, MetricUnit.Seconds);
      const headroom = rateLimitHeadroom(okta, cfg.rateLimitReserve);
      if (headroom !== undefined) countMetric('RateLimitHeadroom', { connection }, headroom * 100, MetricUnit.Percent);
      logger.info('System Log polled', { ...summary });
    },
  };
  return runTrigger(run, () =>
    pollSystemLog(connection, {
      ...deps,
      okta,
      reserve: deps.reserve ?? cfg.rateLimitReserve,
      lookbackMs: deps.lookbackMs ?? cfg.pollLookbackMs,
      pageSize: deps.pageSize ?? cfg.pollPageSize,
      remainingMs: remainingTimeOf(context),
    }),
  );
}
