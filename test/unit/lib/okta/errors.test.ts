import { describe, expect, it } from 'vitest';
import { oktaClientFor } from '../../../../functions/lib/okta/client.js';
import { API_TOKEN, apiTokenConnection, fakeClock, json, scriptedFetch } from './fake-okta.js';

function client(fetch: typeof globalThis.fetch) {
  const clock = fakeClock();
  return oktaClientFor(apiTokenConnection(), {
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    rateLimitReserve: 0.1,
  });
}

async function failureOf(response: Response, method: 'GET' | 'POST' = 'POST') {
  const { fetch } = scriptedFetch(response);
  return client(fetch)
    .request({ method, path: '/api/v1/users/00u1/lifecycle/activate' }, { deadline: Date.UTC(2026, 10, 29, 9, 0, 1) })
    .then(
      () => {
        throw new Error('expected a failure');
      },
      (error: unknown) => error as Record<string, unknown>,
    );
}

describe('okta-errors: each Okta answer becomes a CONTRACT error', () => {
  it.each([
    [400, 'E0000001', 'OktaValidationFailed'],
    [400, 'E0000003', 'OktaValidationFailed'],
    [400, 'E0000018', 'OktaValidationFailed'],
    [400, 'E0000028', 'OktaValidationFailed'],
    [400, 'E0000031', 'OktaValidationFailed'],
    [400, 'E0000053', 'OktaValidationFailed'],
    [400, 'E0000054', 'OktaValidationFailed'],
    [400, 'E0000093', 'OktaValidationFailed'],
    [400, 'E0000094', 'OktaValidationFailed'],
    [400, 'E0000124', 'OktaValidationFailed'],
    [400, 'E0000125', 'OktaValidationFailed'],
    [403, 'E0000080', 'OktaValidationFailed'],
    [403, 'E0000014', 'OktaValidationFailed'],
    [401, 'E0000004', 'OktaAuthFailed'],
    [401, 'E0000011', 'OktaAuthFailed'],
    [403, 'E0000005', 'OktaForbidden'],
    [403, 'E0000006', 'OktaForbidden'],
    [401, 'E0000015', 'OktaForbidden'],
    [404, 'E0000007', 'OktaNotFound'],
    [403, 'E0000016', 'InvalidUserState'],
    [403, 'E0000017', 'InvalidUserState'],
    [403, 'E0000038', 'InvalidUserState'],
    [409, 'E0000112', 'InvalidUserState'],
    [429, 'E0000047', 'OktaRateLimited'],
    [500, 'E0000009', 'OktaUnavailable'],
  ])('maps %i %s to %s, keeping code, id, causes, request id and status', async (status, errorCode, type) => {
    const error = await failureOf(
      json(
        {
          errorCode,
          errorSummary: 'Api validation failed: login',
          errorLink: errorCode,
          errorId: 'oaeAbc',
          errorCauses: [{ errorSummary: 'login: already exists' }],
        },
        status,
        {
          'x-okta-request-id': 'XyZ123',
          'x-rate-limit-limit': '600',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': '1',
        },
      ),
    );
    expect(error).toMatchObject({
      name: type,
      oktaErrorCode: errorCode,
      oktaErrorId: 'oaeAbc',
      causes: ['login: already exists'],
      oktaRequestId: 'XyZ123',
      oktaStatus: status,
    });
  });

  it.each([
    [401, 'OktaAuthFailed'],
    [403, 'OktaForbidden'],
    [404, 'OktaNotFound'],
    [409, 'InvalidUserState'],
    [400, 'OktaValidationFailed'],
    [422, 'OktaValidationFailed'],
    [502, 'OktaUnavailable'],
    [411, 'InternalError'],
  ])('maps a %i without an error code by its status to %s', async (status, type) => {
    expect(await failureOf(json({}, status))).toMatchObject({ name: type, oktaStatus: status });
  });

  it('maps an OAuth invalid_token in WWW-Authenticate to OktaAuthFailed', async () => {
    const error = await failureOf(
      new Response(null, {
        status: 401,
        headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' },
      }),
    );
    expect(error).toMatchObject({ name: 'OktaAuthFailed', oktaErrorCode: 'invalid_token' });
  });

  it('keeps the reason of a DPoP refusal given in WWW-Authenticate as a cause', async () => {
    const error = await failureOf(
      json({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorCauses: [] }, 401, {
        'www-authenticate':
          'DPoP algs="ES256", error="invalid_dpop_proof", error_description="\'htu\' claim in the DPoP proof JWT is invalid."',
      }),
    );
    expect(error).toMatchObject({
      name: 'OktaAuthFailed',
      oktaErrorCode: 'E0000011',
      causes: ["invalid_dpop_proof: 'htu' claim in the DPoP proof JWT is invalid."],
    });
  });

  it('does not crash on a body that is not JSON', async () => {
    const error = await failureOf(
      new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      'POST',
    );
    expect(error).toMatchObject({ name: 'OktaUnavailable', oktaStatus: 502, message: 'Okta answered 502: HTTP 502' });
  });

  it('returns a success body that is not JSON as text', async () => {
    const { fetch } = scriptedFetch(new Response('plain', { status: 200 }));
    expect((await client(fetch).request({ method: 'GET', path: '/api/v1/users/00u1' })).body).toBe('plain');
  });

  it('never puts the API token in an error message', async () => {
    const error = await failureOf(json({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, 401));
    expect(JSON.stringify({ message: error.message, ...error })).not.toContain(API_TOKEN);
  });
});
