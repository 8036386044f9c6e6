import { describe, expect, it } from 'vitest';
import { callOf } from '../../../../../functions/lib/actions/pipeline/action-call.js';
import { typedAnswer } from '../../../../../functions/lib/actions/pipeline/typed-answer.js';
import { OktaNotFound, OktaRateLimited } from '../../../../../functions/lib/errors.js';
import { openedRequest, restEvent } from './middy-request.js';

const answer = typedAnswer();

describe('typedAnswer', () => {
  it('answers an HTTP call with 200 and the JSON output', async () => {
    const request = openedRequest(restEvent({}));
    request.response = { id: '00u1' };
    await answer.after!(request);
    expect(request.response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"id":"00u1"}',
    });
  });

  it('leaves the output of a direct invoke as it is', async () => {
    const request = openedRequest({ userId: '00u1' });
    request.response = { id: '00u1' };
    await answer.after!(request);
    expect(request.response).toEqual({ id: '00u1' });
  });

  it("answers an HTTP call's typed error with its status, Retry-After and the contract body, and notes it on the call", async () => {
    const request = openedRequest(restEvent({}));
    const thrown = new OktaRateLimited('Okta rate limit exceeded', { retryAfterSeconds: 12 });
    request.error = thrown;
    await answer.onError!(request);
    expect(request.response).toMatchObject({ statusCode: 429, headers: { 'retry-after': '12' } });
    expect(JSON.parse((request.response as { body: string }).body)).toEqual({
      error: { type: 'OktaRateLimited', message: 'Okta rate limit exceeded', retryAfterSeconds: 12 },
    });
    expect(callOf(request)).toMatchObject({ error: thrown, thrown });
  });

  it('leaves a direct invoke without a response, so middy throws the typed error, without stack or cause', async () => {
    const request = openedRequest({ userId: '00u1' });
    request.error = new OktaNotFound('no such user', { cause: new Error('inner') });
    await answer.onError!(request);
    expect(request.response).toBeUndefined();
    expect(request.error).toBeInstanceOf(OktaNotFound);
    expect(request.error).toMatchObject({ name: 'OktaNotFound', message: 'no such user' });
    expect(request.error.stack).toBe('OktaNotFound: no such user');
    expect(request.error.cause).toBeUndefined();
  });

  it('takes an escaped AbortSignal timeout for Okta not answering in time (OktaUnavailable)', async () => {
    const request = openedRequest(restEvent({}));
    request.error = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    await answer.onError!(request);
    expect(request.response).toMatchObject({ statusCode: 502 });
    expect(callOf(request).error?.name).toBe('OktaUnavailable');
  });

  it('turns an unexpected error into an InternalError that says nothing of it', async () => {
    const request = openedRequest({});
    request.error = new Error('boom: internals');
    await answer.onError!(request);
    expect(request.error).toMatchObject({ name: 'InternalError' });
    expect(request.error.message).not.toContain('boom');
  });
});
