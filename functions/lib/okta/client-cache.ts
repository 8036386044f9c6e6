/**
 * The container's Okta clients, one per connection: a warm container keeps its client, and so its access token and
 * its rate-limit state, while the connection it was built from is unchanged.
 */
import { loadConnection, type Connection } from '../connections.js';
import { oktaClientFor, type OktaClientDeps } from './client.js';
import type { OktaClient } from './types.js';

const clients = new Map<string, { fingerprint: string; client: OktaClient }>();

/** The container's client of a connection (the default one without a name), loaded and cached. */
export async function oktaClient(connectionName?: string, deps: OktaClientDeps = {}): Promise<OktaClient> {
  const connection = await loadConnection(connectionName);
  const fingerprint = fingerprintOf(connection);
  const known = clients.get(connection.name);
  // A reloaded but unchanged connection keeps its client, and so its token and rate-limit state.
  if (known && known.fingerprint === fingerprint) return known.client;
  const client = oktaClientFor(connection, deps);
  clients.set(connection.name, { fingerprint, client });
  return client;
}

/**
 * What makes a connection another one for the client. A rotated refresh token does not: the client that rotated
 * it holds the new one already. Its arrival (the first consent) does, since the old client had none.
 */
function fingerprintOf(connection: Connection): string {
  const auth =
    connection.auth.type === 'authorization-code'
      ? { ...connection.auth, refreshToken: connection.auth.refreshToken === undefined ? undefined : 'present' }
      : connection.auth;
  return JSON.stringify({ ...connection, auth });
}
