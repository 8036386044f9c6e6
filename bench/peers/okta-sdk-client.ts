/**
 * What a Lambda written with `@okta/okta-sdk-nodejs` needs before its first call: the connection's secret from
 * Secrets Manager (the same secret, `okta-connector/<name>`, that the connector reads) and an `okta.Client`,
 * both once per container. The peers do the same work as the connector's functions, so the comparison is of the
 * code, not of what each side is asked to do.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from '@okta/okta-sdk-nodejs';

const secretsManager = new SecretsManagerClient({});
const clients = new Map<string, Client>();

interface StoredConnection {
  domain: string;
  auth: { type: string; token?: string };
}

/** The SDK client of a connection (`default` when the input names none), created on first use. */
export async function oktaSdkClient(connection = process.env.DEFAULT_CONNECTION ?? 'default'): Promise<Client> {
  const cached = clients.get(connection);
  if (cached) return cached;
  const secretId = `${process.env.CONNECTION_SECRET_PREFIX ?? 'okta-connector/'}${connection}`;
  const secret = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
  const stored = JSON.parse(secret.SecretString ?? '{}') as StoredConnection;
  if (stored.auth.type !== 'api-token' || !stored.auth.token) {
    throw new Error(`The SDK peers support API-token connections only (connection ${connection})`);
  }
  const orgUrl = stored.domain.startsWith('http') ? stored.domain : `https://${stored.domain}`;
  // The SDK caches GET answers in memory by default; a cached getUser sends no request at all, which is not the
  // same work (and serves a user up to its TTL old), so the peers turn the cache off.
  const client = new Client({ orgUrl, token: stored.auth.token, cacheMiddleware: null });
  clients.set(connection, client);
  return client;
}

/** The `after` cursor of an SDK collection's next page (the SDK keeps it as the next page's URL). */
export function afterOf(nextUri: string | undefined): string | undefined {
  if (!nextUri) return undefined;
  return new URL(nextUri).searchParams.get('after') ?? undefined;
}
