import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimRequest, SimResponse } from '../../local/okta-sim/types.js';
import { createOpenApiValidator, type OpenApiValidator } from '../support/openapi-validator.js';
import { match } from '../support/match.js';

const SAMPLES = new URL('../../local/okta-sim/reference/samples/from-openapi-spec/', import.meta.url);
const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));

function request(method: string, pathAndQuery: string, body?: unknown, contentType = 'application/json'): SimRequest {
  const url = new URL(pathAndQuery, 'http://127.0.0.1:4010');
  const rawBody =
    body === undefined
      ? ''
      : contentType.includes('json')
        ? JSON.stringify(body)
        : new URLSearchParams(body as Record<string, string>).toString();
  return {
    method,
    url,
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: body === undefined ? {} : { 'content-type': contentType },
    rawBody,
    body,
  };
}

const ok = (body: unknown, status = 200): SimResponse => ({ status, body });

let validator: OpenApiValidator;

beforeAll(() => {
  validator = createOpenApiValidator();
}, 60_000);

describe('samples from the spec', () => {
  it.each([
    ['GET', '/api/v1/users/00ub0oNGTSWTBKOLGLNR', 'users-GetUser-user-example.json'],
    ['GET', '/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=200', 'users-ListUsersResponse.json'],
    ['GET', '/api/v1/groups?search=profile.name%20eq%20%22West%20Coast%22', 'groups-list-groups-search.json'],
    ['GET', '/api/v1/users/00ub0oNGTSWTBKOLGLNR/appLinks', 'users-ListAppLinks.json'],
  ])('%s %s with %s conforms', (method, path, file) => {
    expect(validator.validateExchange(request(method, path), ok(sample(file)))).toEqual([]);
  });

  it('accepts the System Log events of the event hook delivery sample from the Okta docs as a log listing', () => {
    const delivery = JSON.parse(
      readFileSync(new URL('../from-okta-developer-docs/event-hook-delivery-user.session.start.json', SAMPLES), 'utf8'),
    ) as { data: { events: unknown[] } };

    const problems = validator.validateExchange(
      request('GET', '/api/v1/logs?since=2023-03-26T00:00:00.000Z&limit=10'),
      ok(delivery.data.events),
    );

    expect(problems).toEqual([]);
  });

  it('accepts the create-user request and response samples', () => {
    const exchange = request(
      'POST',
      '/api/v1/users?activate=true',
      sample('users-create-user-with-password-request.json'),
    );

    expect(validator.validateExchange(exchange, ok(sample('users-create-user-with-password-response.json')))).toEqual(
      [],
    );
  });

  it.each([
    [404, 'error-E0000007-ResourceNotFound.json'],
    [429, 'error-E0000047-TooManyRequests.json'],
    [403, 'error-E0000006-AccessDenied.json'],
  ])('accepts the %i error sample as a response of getUser', (status, file) => {
    expect(validator.validateExchange(request('GET', '/api/v1/users/nobody'), ok(sample(file), status))).toEqual([]);
  });
});

describe('broken exchanges', () => {
  it('names the field of a response body that has the wrong type', () => {
    const user = sample('users-GetUser-user-example.json') as { status: unknown };
    user.status = 'HAPPY';

    const problems = validator.validateExchange(request('GET', '/api/v1/users/00ub0oNGTSWTBKOLGLNR'), ok(user));

    expect(problems).toContainEqual(
      match.stringMatching(
        /^GET \/api\/v1\/users\/00ub0oNGTSWTBKOLGLNR -> 200: response body\/status must be equal to one of the allowed values/,
      ),
    );
  });

  it('reports a status the operation does not declare', () => {
    const problems = validator.validateExchange(request('DELETE', '/api/v1/groups/00g1/users/00u1'), { status: 200 });

    expect(problems).toEqual([
      match.stringContaining('response status 200 is not declared (declared: 204, 403, 404, 429)'),
    ]);
  });

  it('reports an error body that is not an Okta error', () => {
    const problems = validator.validateExchange(request('GET', '/api/v1/users/x'), ok({ errorCode: 7 }, 404));

    expect(problems).toEqual([match.stringContaining('response body/errorCode must be string')]);
  });

  it('reports a query parameter of the wrong type on an accepted request', () => {
    const problems = validator.validateExchange(request('GET', '/api/v1/users?limit=many'), ok([]));

    expect(problems).toEqual([match.stringContaining('request query parameter limit must be integer')]);
  });

  it('reports an undeclared query parameter on an accepted request', () => {
    const problems = validator.validateExchange(request('GET', '/api/v1/groups?colour=blue'), ok([]));

    expect(problems).toEqual([match.stringContaining('request has an undeclared query parameter colour')]);
  });

  it('reports a request body missing a required field', () => {
    const problems = validator.validateExchange(
      request('POST', '/api/v1/eventHooks', {
        name: 'x',
        events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
      }),
      ok({
        name: 'x',
        events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
        channel: { type: 'HTTP', version: '1.0.0', config: { uri: 'https://a' } },
      }),
    );

    expect(problems).toEqual([match.stringContaining("request body must have required property 'channel'")]);
  });

  it('checks app bodies against the subtype their signOnMode names', () => {
    const [app] = sample('apps-GetApplicationsByUserResponseEx.json') as Array<Record<string, unknown>>;
    const bookmark = { ...app, signOnMode: 'BOOKMARK', name: 'bookmark', settings: undefined };

    const problems = validator.validateExchange(request('GET', '/api/v1/apps'), ok([bookmark]));

    expect(problems).toContainEqual(match.stringContaining("response body/0 must have required property 'settings'"));
  });

  it("reports the required SAML setting that Okta's own apps example leaves out", () => {
    const exchange = request('GET', '/api/v1/apps?filter=user.id%20eq%20%2200ub0oNGTSWTBKOLGLNR%22');

    const problems = validator.validateExchange(exchange, ok(sample('apps-GetApplicationsByUserResponseEx.json')));

    expect(problems).toContainEqual(
      match.stringContaining("response body/0/settings/signOn must have required property 'allowMultipleAcsEndpoints'"),
    );
  });

  it('does not check control routes', () => {
    expect(validator.validateExchange(request('GET', '/__sim/hook-deliveries'), ok({ anything: true }))).toEqual([]);
  });
});

describe('the OAuth spec', () => {
  it('accepts a token response', () => {
    const exchange = request(
      'POST',
      '/oauth2/v1/token',
      {
        grant_type: 'client_credentials',
        scope: 'okta.users.read',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: 'a.b.c',
      },
      'application/x-www-form-urlencoded',
    );

    const problems = validator.validateExchange(
      exchange,
      ok({ token_type: 'Bearer', expires_in: 3600, access_token: 'abc', scope: 'okta.users.read' }),
    );

    expect(problems).toEqual([]);
  });

  it('accepts an OAuth error response', () => {
    const exchange = request(
      'POST',
      '/oauth2/v1/token',
      { grant_type: 'client_credentials' },
      'application/x-www-form-urlencoded',
    );

    expect(validator.validateExchange(exchange, ok({ error: 'invalid_client', error_description: 'x' }, 401))).toEqual(
      [],
    );
  });
});
