import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readAppSettings } from '../../infra/app-settings.js';
import { OktaConnector } from '../../infra/okta-connector.js';
import { resolveSettings, type OktaConnectorProps, type SearchSetting } from '../../infra/okta-connector-props.js';

const search: SearchSetting = {
  connection: 'acme',
  name: 'admins',
  filter: 'eventType sw "user"',
  schedule: 'rate(1 hour)',
  window: 'PT1H',
};

describe('OktaConnector props', () => {
  it.each<[string, OktaConnectorProps, RegExp]>([
    [
      'a search on an unknown connection',
      { connections: ['acme'], defaultConnection: 'acme', searches: [{ ...search, connection: 'nope' }] },
      /search "admins": unknown connection "nope"/,
    ],
    [
      'a search with a bad schedule',
      { connections: ['acme'], defaultConnection: 'acme', searches: [{ ...search, schedule: 'every hour' }] },
      /search "admins": schedule "every hour" is not an EventBridge schedule/,
    ],
    [
      'a rate with a singular unit for more than one',
      { pollSchedule: 'rate(5 minute)' },
      /pollSchedule "rate\(5 minute\)": write rate\(5 minutes\)/,
    ],
    ['a rate with a plural unit for one', { pollSchedule: 'rate(1 minutes)' }, /write rate\(1 minute\)/],
    ['a cron with five fields', { pollSchedule: 'cron(0 * * * *)' }, /is not an EventBridge schedule/],
    [
      'a cron with both day fields set',
      { pollSchedule: 'cron(0 8 1 * MON *)' },
      /one of day-of-month and day-of-week must be \?/,
    ],
    [
      'a default connection not in the list',
      { connections: ['acme'], defaultConnection: 'globex' },
      /defaultConnection "globex" is not one of/,
    ],
    [
      'a connection listed twice',
      { connections: ['acme', 'acme'], defaultConnection: 'acme' },
      /lists a connection twice/,
    ],
    [
      'a connection name a secret cannot carry',
      { connections: ['ac me'], defaultConnection: 'ac me' },
      /connection "ac me" is not a valid name/,
    ],
    [
      'an authorization-code connection that is not a connection',
      { authorizationCodeConnections: ['globex'] },
      /unknown connection "globex"/,
    ],
    [
      'a search without filter or q',
      { searches: [{ ...search, connection: 'default', filter: undefined }] },
      /needs a filter or q/,
    ],
    [
      'two searches of one name on a connection',
      {
        searches: [
          { ...search, connection: 'default' },
          { ...search, connection: 'default' },
        ],
      },
      /the name is used twice/,
    ],
    [
      'searches too long for a Lambda variable',
      {
        searches: Array.from({ length: 30 }, (_, i) => ({
          ...search,
          connection: 'default',
          name: `search-${i}`,
          filter: 'x'.repeat(100),
        })),
      },
      /searches take more than 3,000 characters/,
    ],
    [
      'connections and searches too long together for the Lambda variables',
      {
        connections: Array.from({ length: 60 }, (_, i) => `connection-${i}-`.padEnd(60, 'x')),
        defaultConnection: 'connection-0-'.padEnd(60, 'x'),
      },
      /connections \(as a comma-separated list\) and searches \(as JSON\) take more than 3,500 characters/,
    ],
    [
      'a search window the search function cannot read',
      { searches: [{ ...search, connection: 'default', window: 'forever' }] },
      /window must be an ISO 8601 duration/,
    ],
    [
      'an event source in the aws namespace',
      { eventSource: 'aws.okta' },
      /eventSource "aws.okta" is not a valid EventBridge source/,
    ],
    ['a dedupe window of zero days', { dedupeTtlDays: 0 }, /dedupeTtlDays must be an integer from 1 to 365/],
    ['a rate-limit reserve of 1', { rateLimitReserve: 1 }, /rateLimitReserve must be from 0 to below 1/],
    [
      'an OAuth redirect URI over plain HTTP',
      { oauthRedirectUri: 'http://example.com/oauth/callback' },
      /oauthRedirectUri .* must be an https:\/\/ URL/,
    ],
    [
      'an OAuth redirect URI that is not the /oauth/callback route (the consent link is served beside it)',
      { oauthRedirectUri: 'https://okta.example.com/callback' },
      /oauthRedirectUri .* must end in \/oauth\/callback/,
    ],
    [
      'a hook id for an unknown connection',
      { eventHookIds: { nope: 'who1' } },
      /eventHookIds names an unknown connection "nope"/,
    ],
    ['a hook id that is not one', { eventHookIds: { default: 'who/../1' } }, /is not an Okta event hook id/],
    [
      'a Cognito authorizer without a user pool',
      { apiAuth: { type: 'cognito', userPools: [] } },
      /a Cognito authorizer needs at least one user pool/,
    ],
  ])('refuses %s', (_label, props, message) => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
    expect(() => new OktaConnector(stack, 'Okta', props)).toThrow(message);
  });

  it('applies the defaults: the default connection, a poll every minute, a new bus, IAM auth, tracing on', () => {
    expect(resolveSettings({})).toMatchObject({
      connections: ['default'],
      defaultConnection: 'default',
      secretPrefix: 'okta-connector/',
      pollSchedule: 'rate(1 minute)',
      bus: { type: 'new' },
      apiAuth: 'iam',
      tracing: true,
      eventSource: 'okta-connector',
      dedupeTtlDays: 7,
      stepFunctionsExample: false,
    });
  });
});

describe('app settings', () => {
  it('reads context first, then the environment', () => {
    const context: Record<string, unknown> = { connections: ['acme', 'globex'], stepFunctionsExample: 'true' };
    const settings = readAppSettings((key) => context[key], {
      OKTA_CONNECTIONS: 'ignored',
      OKTA_DEFAULT_CONNECTION: 'globex',
    });
    expect(settings.connector).toMatchObject({
      connections: ['acme', 'globex'],
      defaultConnection: 'globex',
      stepFunctionsExample: true,
    });
  });

  it('reads comma-separated connections and JSON searches from the environment', () => {
    const settings = readAppSettings(() => undefined, {
      OKTA_CONNECTIONS: 'acme, globex',
      OKTA_SEARCHES: JSON.stringify([search]),
      OKTA_EXISTING_EVENT_BUS_NAME: 'default',
    });
    expect(settings.connector).toMatchObject({
      connections: ['acme', 'globex'],
      searches: [search],
      bus: { type: 'existing', name: 'default' },
    });
  });

  it('refuses searches that are not JSON, naming the setting', () => {
    expect(() => readAppSettings(() => undefined, { OKTA_SEARCHES: '[{' })).toThrow(/Setting searches: not valid JSON/);
  });

  it('refuses an apiAuth it cannot build from a string', () => {
    expect(() => readAppSettings(() => undefined, { OKTA_API_AUTH: 'cognito' })).toThrow(
      /apiAuth: "cognito" is not iam or insecureApiKeyNonProduction/,
    );
  });

  it('refuses the removed apiAuth "apiKey", naming the explicitly insecure replacement', () => {
    expect(() => readAppSettings(() => undefined, { OKTA_API_AUTH: 'apiKey' })).toThrow(
      /"apiKey" was removed: use iam, or insecureApiKeyNonProduction/,
    );
  });
});
