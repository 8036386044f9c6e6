import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  config,
  LOCAL_RUNTIME_MARKER,
  readConfig,
  requireOAuthRedirectUri,
  requireTableName,
  resetConfig,
  runsOnLambda,
  serviceName,
} from '../../../functions/lib/config.js';

afterEach(() => resetConfig());

describe('config', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(readConfig({})).toEqual({
      connectionSecretPrefix: 'okta-connector/',
      defaultConnection: 'default',
      connectionCacheSeconds: 300,
      tableName: undefined,
      eventBusName: 'default',
      eventSource: 'okta-connector',
      dedupeTtlDays: 7,
      rateLimitReserve: 0.1,
      rateLimitBudget: 'container',
      pollLookbackMs: 15 * 60_000,
      pollPageSize: 1000,
      allowInsecureLocalOkta: false,
      eventHookIds: {},
      eventHookMode: 'queue',
      searches: [],
      authorizationCodeConnections: [],
    });
  });

  it('reads every setting from the environment', () => {
    expect(
      readConfig({
        CONNECTION_SECRET_PREFIX: 'p/',
        DEFAULT_CONNECTION: 'acme',
        CONNECTIONS: 'acme, globex',
        CONNECTION_CACHE_SECONDS: '0',
        TABLE_NAME: 't',
        EVENT_BUS_NAME: 'bus',
        EVENT_SOURCE: 'src',
        DEDUPE_TTL_DAYS: '3',
        RATE_LIMIT_RESERVE: '0.25',
        RATE_LIMIT_BUDGET: 'table',
        POLL_LOOKBACK_MINUTES: '60',
        POLL_PAGE_SIZE: '200',
        ALLOW_INSECURE_LOCAL_OKTA: 'true',
        PINNED_CONNECTION: 'acme',
        EVENT_HOOK_IDS: '{"acme": "who7hphp39JoHLni81d7"}',
        DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q',
        EVENT_HOOK_MODE: 'verified',
        SEARCHES:
          '[{"connection": "acme", "name": "admins", "filter": "eventType eq \\"x\\"", "schedule": "rate(1 hour)", "window": "PT1H"}]',
        OAUTH_REDIRECT_URI: 'https://connector.example.com/v1/oauth/callback',
        AUTHORIZATION_CODE_CONNECTIONS: 'web, intranet',
      }),
    ).toEqual({
      connectionSecretPrefix: 'p/',
      defaultConnection: 'acme',
      connections: ['acme', 'globex'],
      connectionCacheSeconds: 0,
      tableName: 't',
      eventBusName: 'bus',
      eventSource: 'src',
      dedupeTtlDays: 3,
      rateLimitReserve: 0.25,
      rateLimitBudget: 'table',
      pollLookbackMs: 60 * 60_000,
      pollPageSize: 200,
      allowInsecureLocalOkta: true,
      pinnedConnection: 'acme',
      eventHookIds: { acme: 'who7hphp39JoHLni81d7' },
      deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q',
      eventHookMode: 'verified',
      searches: [
        {
          connection: 'acme',
          name: 'admins',
          filter: 'eventType eq "x"',
          q: undefined,
          schedule: 'rate(1 hour)',
          window: 'PT1H',
          windowMs: 3_600_000,
        },
      ],
      oauthRedirectUri: 'https://connector.example.com/v1/oauth/callback',
      authorizationCodeConnections: ['web', 'intranet'],
    });
  });

  it('refuses EVENT_HOOK_IDS that is not a JSON object of strings, naming it', () => {
    for (const raw of ['who1', '["who1"]', '{"acme":1}'])
      expect(() => readConfig({ EVENT_HOOK_IDS: raw }), raw).toThrow(/EVENT_HOOK_IDS/);
  });

  it.each([
    ['RATE_LIMIT_RESERVE', '1', /RATE_LIMIT_RESERVE must be a number from 0 to below 1/],
    ['RATE_LIMIT_RESERVE', 'lots', /RATE_LIMIT_RESERVE/],
    ['RATE_LIMIT_BUDGET', 'dynamo', /RATE_LIMIT_BUDGET must be one of container, table/],
    ['CONNECTION_CACHE_SECONDS', '-5', /CONNECTION_CACHE_SECONDS must be an integer at least 0/],
    ['DEDUPE_TTL_DAYS', '1.5', /DEDUPE_TTL_DAYS must be an integer/],
    ['ALLOW_INSECURE_LOCAL_OKTA', 'yes', /ALLOW_INSECURE_LOCAL_OKTA must be "true" or "false"/],
    ['POLL_LOOKBACK_MINUTES', 'soon', /POLL_LOOKBACK_MINUTES must be an integer at least 1/],
    ['POLL_LOOKBACK_MINUTES', '0', /POLL_LOOKBACK_MINUTES must be an integer at least 1/],
    ['SEARCHES', '{"name": "admins"}', /SEARCHES must be a JSON array/],
    ['SEARCHES', '[{"connection": "acme"}]', /SEARCHES\[0\]\.name is required/],
    ['OAUTH_REDIRECT_URI', '/v1/oauth/callback', /OAUTH_REDIRECT_URI must be an absolute http\(s\) URL/],
    ['OAUTH_REDIRECT_URI', 'javascript:alert(1)', /OAUTH_REDIRECT_URI must be an absolute http\(s\) URL/],
    ['POLL_PAGE_SIZE', '1001', /POLL_PAGE_SIZE must be an integer from 1 to 1000/],
    ['POLL_PAGE_SIZE', '0', /POLL_PAGE_SIZE must be an integer from 1 to 1000/],
  ])('refuses %s=%s with a ConfigurationError naming the variable', (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(message);
    expect(() => readConfig({ [name]: value })).toThrow(ConfigurationError);
  });

  it('reads the environment once and memoizes it', () => {
    const env = { DEFAULT_CONNECTION: 'first' };
    const first = config(env);
    env.DEFAULT_CONNECTION = 'second';
    expect(config(env)).toBe(first);
    resetConfig();
    expect(config(env).defaultConnection).toBe('second');
  });

  it('requires OAUTH_REDIRECT_URI only where asked (the consent functions), with a clear message', () => {
    expect(() => requireOAuthRedirectUri(readConfig({}))).toThrow(/OAUTH_REDIRECT_URI is required/);
    expect(requireOAuthRedirectUri(readConfig({ OAUTH_REDIRECT_URI: 'http://127.0.0.1:4001/oauth/callback' }))).toBe(
      'http://127.0.0.1:4001/oauth/callback',
    );
  });

  it('names the service POWERTOOLS_SERVICE_NAME says, okta-connector otherwise', () => {
    expect(serviceName({})).toBe('okta-connector');
    expect(serviceName({ POWERTOOLS_SERVICE_NAME: ' acme-okta ' })).toBe('acme-okta');
  });

  it('requires TABLE_NAME only where asked, with a clear message', () => {
    expect(() => requireTableName(readConfig({}))).toThrow(/TABLE_NAME is required/);
    expect(requireTableName(readConfig({ TABLE_NAME: 'okta' }))).toBe('okta');
  });

  it('refuses ALLOW_INSECURE_LOCAL_OKTA on real Lambda, where 127.0.0.1:9001 is the Runtime API', () => {
    for (const lambda of [
      { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' },
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' },
    ]) {
      expect(() => readConfig({ ...lambda, ALLOW_INSECURE_LOCAL_OKTA: 'true' })).toThrow(
        /ALLOW_INSECURE_LOCAL_OKTA .*refused on AWS Lambda/,
      );
      expect(readConfig(lambda).allowInsecureLocalOkta).toBe(false);
    }
  });

  it('keeps ALLOW_INSECURE_LOCAL_OKTA in the local runtime, which marks itself even when it imitates Lambda', () => {
    const env = {
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      [LOCAL_RUNTIME_MARKER]: 'true',
      ALLOW_INSECURE_LOCAL_OKTA: 'true',
    };
    expect(runsOnLambda(env)).toBe(false);
    expect(readConfig(env).allowInsecureLocalOkta).toBe(true);
  });
});
