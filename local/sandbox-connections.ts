/**
 * The sandbox's connections (docs/CONTRACT.md §4), written to the local Secrets Manager: `default` signs in with the
 * simulated org's API token, `service` with client credentials, its RSA key pair generated here and the public key
 * registered with the simulator (its `/__sim/oauth-clients` control API), as an admin registers it in Okta, and
 * `kms` with client credentials whose P-256 key is created in the local KMS and never leaves it.
 */
import { randomBytes } from 'node:crypto';
import { CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { actions } from '../functions/catalog.js';
import { kmsPublicJwk } from '../functions/lib/auth/kms-signing-key.js';

export type ConnectionSecret = {
  domain: string;
  auth:
    | { type: 'api-token'; token: string }
    | { type: 'client-credentials'; clientId: string; privateKey: string; keyId: string; scopes: string[] }
    | { type: 'client-credentials'; clientId: string; kmsKeyId: string; keyId: string; scopes: string[] }
    | { type: 'authorization-code'; clientId: string; clientSecret: string; scopes: string[]; refreshToken?: string };
};

/** The scopes the connector's functions need: every action's, and the System Log's for the triggers. */
export function connectorScopes(): string[] {
  return [...new Set([...actions.flatMap((a) => a.scopes), 'okta.logs.read'])].sort();
}

/** An API token connection. */
export function apiTokenConnection(orgUrl: string, token: string): ConnectionSecret {
  return { domain: orgUrl, auth: { type: 'api-token', token } };
}

/** Registers a service app with a new RSA key in the simulated org; returns its client-credentials connection. */
export async function registerServiceConnection(
  orgUrl: string,
  deps = { fetch: globalThis.fetch },
): Promise<ConnectionSecret> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const keyId = `sandbox-${randomBytes(6).toString('hex')}`;
  const scopes = connectorScopes();
  const jwk = { ...(await exportJWK(publicKey)), kid: keyId, alg: 'RS256', use: 'sig' };
  const clientId = await registerServiceApp(orgUrl, 'okta-connector (sandbox service app)', jwk, scopes, deps.fetch);
  return {
    domain: orgUrl,
    auth: { type: 'client-credentials', clientId, privateKey: await exportPKCS8(privateKey), keyId, scopes },
  };
}

/**
 * Creates an ECC_NIST_P256 signing key in the (local) KMS and registers its public key, under the kid
 * `connections add --kms-key-id` would print, as a service app of the simulated org; returns its connection.
 */
export async function registerKmsConnection(
  orgUrl: string,
  deps: { kms: KMSClient; fetch?: typeof globalThis.fetch },
): Promise<ConnectionSecret> {
  const created = await deps.kms.send(
    new CreateKeyCommand({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      Description: 'okta-connector sandbox: client assertions of the kms connection',
    }),
  );
  const kmsKeyId = created.KeyMetadata?.KeyId ?? '';
  const jwk = await kmsPublicJwk(kmsKeyId, { connection: 'kms', client: deps.kms });
  const scopes = connectorScopes();
  const label = 'okta-connector (sandbox service app, key in KMS)';
  const clientId = await registerServiceApp(orgUrl, label, jwk, scopes, deps.fetch ?? globalThis.fetch);
  return {
    domain: orgUrl,
    auth: { type: 'client-credentials', clientId, kmsKeyId, keyId: jwk.kid, scopes },
  };
}

/** Registers a `private_key_jwt` service app with one public key; returns its client id. */
async function registerServiceApp(
  orgUrl: string,
  label: string,
  jwk: JWK,
  scopes: string[],
  fetchFn: typeof globalThis.fetch,
): Promise<string> {
  const response = await fetchFn(`${orgUrl}/__sim/oauth-clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      label,
      tokenEndpointAuthMethod: 'private_key_jwt',
      grantTypes: ['client_credentials'],
      grantedScopes: scopes,
      jwks: [jwk],
    }),
  });
  if (!response.ok)
    throw new Error(`The simulator refused the service app (${response.status}): ${await response.text()}`);
  return ((await response.json()) as { clientId: string }).clientId;
}

/** Registers a web app for the authorization-code flow in the simulated org; returns its connection (no refresh token yet). */
export async function registerWebConnection(
  orgUrl: string,
  redirectUri: string,
  deps = { fetch: globalThis.fetch },
): Promise<ConnectionSecret> {
  const clientSecret = randomBytes(24).toString('base64url');
  const scopes = [...connectorScopes(), 'offline_access'];
  const response = await deps.fetch(`${orgUrl}/__sim/oauth-clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      label: 'okta-connector (sandbox web app)',
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientSecret,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [redirectUri],
      grantedScopes: scopes,
    }),
  });
  if (!response.ok) throw new Error(`The simulator refused the web app (${response.status}): ${await response.text()}`);
  const client = (await response.json()) as { clientId: string };
  return { domain: orgUrl, auth: { type: 'authorization-code', clientId: client.clientId, clientSecret, scopes } };
}
