/**
 * Control routes (tests and benchmarks only) for the org's OAuth clients:
 * `POST /__sim/oauth-clients` registers one, `GET /__sim/oauth-clients[/:clientId]` reads them,
 * `POST /__sim/oauth-clients/:clientId` changes some settings (e.g. `tokenLifetimeSeconds`, `dpopBoundAccessTokens`).
 */
import type { JWK } from 'jose';
import type { OAuthClient, Route, SimRequest, SimResponse } from '../types.js';

export interface OAuthControlDeps {
  registerClient(input: Partial<OAuthClient> & { label: string }): OAuthClient;
  findClient(clientId: string): OAuthClient | undefined;
  clients(): OAuthClient[];
}

const AUTH_METHODS = ['private_key_jwt', 'client_secret_basic', 'client_secret_post'];
const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'];

/** The `/__sim/oauth-clients` routes. */
export function createOAuthControlRoutes(deps: OAuthControlDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/__sim/oauth-clients',
      handler: (req) => {
        const parsed = parseClientSettings(req, true);
        if (typeof parsed === 'string') return badRequest(parsed);
        return { status: 201, body: deps.registerClient(parsed as Partial<OAuthClient> & { label: string }) };
      },
    },
    { method: 'GET', pattern: '/__sim/oauth-clients', handler: () => ({ status: 200, body: deps.clients() }) },
    {
      method: 'GET',
      pattern: '/__sim/oauth-clients/:clientId',
      handler: (_req, params) => {
        const client = deps.findClient(params.clientId ?? '');
        return client ? { status: 200, body: client } : notFound(params.clientId);
      },
    },
    {
      method: 'POST',
      pattern: '/__sim/oauth-clients/:clientId',
      handler: (req, params) => {
        const client = deps.findClient(params.clientId ?? '');
        if (!client) return notFound(params.clientId);
        const parsed = parseClientSettings(req, false);
        if (typeof parsed === 'string') return badRequest(parsed);
        delete parsed.clientId; // the id of a registered client never changes
        Object.assign(client, parsed);
        return { status: 200, body: client };
      },
    },
  ];
}

/** The settings in a control request body, or a message naming what is wrong. */
function parseClientSettings(req: SimRequest, creating: boolean): Partial<OAuthClient> | string {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const input = body as Record<string, unknown>;
  const problems: string[] = [];
  const stringField = (name: string): void => {
    if (input[name] !== undefined && typeof input[name] !== 'string') problems.push(`${name} must be a string`);
  };
  const stringList = (name: string, allowed?: string[]): void => {
    const value = input[name];
    if (value === undefined) return;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      problems.push(`${name} must be an array of strings`);
    } else if (allowed && !value.every((item) => allowed.includes(item))) {
      problems.push(`${name} may only hold ${allowed.join(', ')}`);
    }
  };
  const positiveNumber = (name: string): void => {
    const value = input[name];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0)))
      problems.push(`${name} must be a positive number`);
  };

  if (creating && (typeof input.label !== 'string' || input.label === '')) problems.push('label is required');
  ['label', 'clientId', 'appId', 'clientSecret'].forEach(stringField);
  if (input.tokenEndpointAuthMethod !== undefined && !AUTH_METHODS.includes(input.tokenEndpointAuthMethod as string)) {
    problems.push(`tokenEndpointAuthMethod must be one of ${AUTH_METHODS.join(', ')}`);
  }
  stringList('grantTypes', GRANT_TYPES);
  stringList('redirectUris');
  stringList('grantedScopes');
  if (input.jwks !== undefined) {
    const jwks = input.jwks;
    if (!Array.isArray(jwks) || !jwks.every((key) => typeof key === 'object' && key !== null)) {
      problems.push('jwks must be an array of public JWKs');
    } else if ((jwks as JWK[]).some((key) => key.d !== undefined)) {
      problems.push('jwks must hold public keys only');
    }
  }
  if (input.dpopBoundAccessTokens !== undefined && typeof input.dpopBoundAccessTokens !== 'boolean') {
    problems.push('dpopBoundAccessTokens must be a boolean');
  }
  if (
    input.refreshTokenRotation !== undefined &&
    !['ROTATE', 'STATIC'].includes(input.refreshTokenRotation as string)
  ) {
    problems.push('refreshTokenRotation must be ROTATE or STATIC');
  }
  positiveNumber('tokenLifetimeSeconds');
  if (input.refreshTokenLeewaySeconds !== undefined) {
    const leeway = input.refreshTokenLeewaySeconds;
    if (typeof leeway !== 'number' || leeway < 0 || leeway > 60)
      problems.push('refreshTokenLeewaySeconds must be 0-60');
  }
  if (problems.length > 0) return problems.join('; ');

  const known = [
    'label',
    'clientId',
    'appId',
    'clientSecret',
    'tokenEndpointAuthMethod',
    'grantTypes',
    'redirectUris',
    'grantedScopes',
    'jwks',
    'dpopBoundAccessTokens',
    'refreshTokenRotation',
    'tokenLifetimeSeconds',
    'refreshTokenLeewaySeconds',
  ];
  return Object.fromEntries(Object.entries(input).filter(([name]) => known.includes(name)));
}

function badRequest(message: string): SimResponse {
  return { status: 400, body: { error: message } };
}

function notFound(clientId: string | undefined): SimResponse {
  return { status: 404, body: { error: `no OAuth client ${clientId ?? ''}` } };
}
