import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OktaRateLimited, OktaUnavailable, OktaValidationFailed } from '../../../../functions/lib/errors.js';
import type { OktaClient, OktaRequest, RateLimitState } from '../../../../functions/lib/okta/client.js';
import { LOST_CURSOR_OVERLAP_MS, pollSystemLog } from '../../../../functions/lib/events/system-log.js';

const dynamo = mockClient(DynamoDBClient);
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const cursors = { dynamoDb: new DynamoDBClient({}), tableName: 't' };

/** An Okta client answering every request with `answer`, recording the requests. */
function fakeOkta(
  answer: (req: OktaRequest) => unknown,
  rateLimit?: RateLimitState,
): OktaClient & { requests: OktaRequest[] } {
  const requests: OktaRequest[] = [];
  const client = {
    connection: { name: 'acme', baseUrl: 'https://acme.okta.com', auth: { type: 'api-token', token: 't' } },
    requests,
    request(req: OktaRequest) {
      requests.push(req);
      const body = answer(req);
      const headers = new Headers({ link: '<https://acme.okta.com/api/v1/logs?after=next-1>; rel="next"' });
      return Promise.resolve({ status: 200, body, headers, retries: 0 });
    },
    rateLimit: () => rateLimit,
  };
  return client as unknown as OktaClient & { requests: OktaRequest[] };
}

/** Polls with `remainingMs` left on the Lambda, recording the waits instead of sleeping. */
async function pollWithTime(okta: OktaClient, remainingMs: number) {
  const slept: number[] = [];
  const summary = await pollSystemLog('acme', {
    okta,
    reserve: 0.1,
    remainingMs: () => remainingMs,
    cursors,
    now: () => NOW,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
  });
  return { summary, slept };
}

beforeEach(() => {
  dynamo.on(PutItemCommand).resolves({});
});

afterEach(() => dynamo.reset());

describe('pollSystemLog', () => {
  it('starts a first run with since = now minus the lookback, ascending, 1000 a page', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const okta = fakeOkta(() => []);
    await pollSystemLog('acme', {
      okta,
      reserve: 0.1,
      remainingMs: () => 60_000,
      lookbackMs: 60_000,
      cursors,
      now: () => NOW,
    });
    expect(okta.requests[0]?.query).toEqual({ since: '2026-06-01T11:59:00.000Z', limit: 1000, sortOrder: 'ASCENDING' });
  });

  it('follows the stored next link', async () => {
    dynamo.on(GetItemCommand).resolves({
      Item: {
        pk: { S: 'cursor#acme#poll' },
        next: { S: 'https://acme.okta.com/api/v1/logs?after=stored' },
        version: { N: '3' },
      },
    });
    const okta = fakeOkta(() => []);
    await pollSystemLog('acme', { okta, reserve: 0.1, remainingMs: () => 60_000, cursors, now: () => NOW });
    expect(okta.requests[0]).toEqual({ method: 'GET', path: 'https://acme.okta.com/api/v1/logs?after=stored' });
  });

  it('restarts from the last published event minus the overlap when Okta refuses the stored link', async () => {
    dynamo.on(GetItemCommand).resolves({
      Item: {
        pk: { S: 'cursor#acme#poll' },
        next: { S: 'https://acme.okta.com/api/v1/logs?after=stale' },
        lastPublished: { S: '2026-06-01T11:00:00.000Z' },
        version: { N: '3' },
      },
    });
    const okta = fakeOkta((req) => {
      if (req.path.includes('stale')) throw new OktaValidationFailed('bad cursor');
      return [];
    });
    await pollSystemLog('acme', { okta, reserve: 0.1, remainingMs: () => 60_000, cursors, now: () => NOW });
    expect(okta.requests[1]?.query?.since).toBe(
      new Date(Date.parse('2026-06-01T11:00:00.000Z') - LOST_CURSOR_OVERLAP_MS).toISOString(),
    );
  });

  it('waits for the window to reset when only the reserve is left and the Lambda has the time', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const okta = fakeOkta(() => [], { bucket: 'GET /api/v1/logs', limit: 20, remaining: 2, resetAt: NOW + 5_000 });
    const { summary, slept } = await pollWithTime(okta, 120_000);
    expect(slept).toEqual([5_250]);
    expect(summary.stoppedBecause).toBe('caught-up');
  });

  it('stops without a request when only the reserve is left and the reset is too far', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const okta = fakeOkta(() => [], { bucket: 'GET /api/v1/logs', limit: 20, remaining: 2, resetAt: NOW + 50_000 });
    const { summary, slept } = await pollWithTime(okta, 40_000);
    expect(summary.stoppedBecause).toBe('rate-limit');
    expect(slept).toEqual([]);
    expect(okta.requests).toHaveLength(0);
  });

  it('waits out a rate-limit refusal (the org-wide budget, or Okta) when the Lambda has the time, then reads', async () => {
    dynamo.on(GetItemCommand).resolves({});
    let refusals = 1;
    const okta = fakeOkta(() => {
      if (refusals-- > 0) throw new OktaRateLimited('the org-wide budget is spent', { retryAfterSeconds: 20 });
      return [];
    });
    const { summary, slept } = await pollWithTime(okta, 120_000);
    expect(slept).toEqual([20_250]);
    expect(okta.requests).toHaveLength(2);
    expect(summary.stoppedBecause).toBe('caught-up');
  });

  it('stops on a rate-limit refusal whose wait does not fit the time left', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const okta = fakeOkta(() => {
      throw new OktaRateLimited('the org-wide budget is spent', { retryAfterSeconds: 30 });
    });
    const { summary, slept } = await pollWithTime(okta, 40_000);
    expect(summary.stoppedBecause).toBe('rate-limit');
    expect(slept).toEqual([]);
    expect(okta.requests).toHaveLength(1);
  });

  it('stops, keeping its cursor, when Okta stays unavailable', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const okta = fakeOkta(() => {
      throw new OktaUnavailable('down');
    });
    const summary = await pollSystemLog('acme', {
      okta,
      reserve: 0.1,
      remainingMs: () => 60_000,
      cursors,
      now: () => NOW,
    });
    expect(summary.stoppedBecause).toBe('okta-unavailable');
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('stops before reading when the Lambda has too little time left', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const okta = fakeOkta(() => []);
    const summary = await pollSystemLog('acme', {
      okta,
      reserve: 0.1,
      remainingMs: () => 5_000,
      cursors,
      now: () => NOW,
    });
    expect(summary.stoppedBecause).toBe('deadline');
    expect(okta.requests).toHaveLength(0);
  });
});
