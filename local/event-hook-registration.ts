/**
 * Registers the connector's event hook in an Okta org through Okta's own event hook API, with the connector's own
 * registration (functions/lib/hooks/event-hooks.ts), as `okta-connector hooks register` does:
 * `POST /api/v1/eventHooks` with the `Authorization` secret, then `POST /api/v1/eventHooks/{id}/lifecycle/verify`,
 * which makes Okta send the one-time verification GET to the hook (EH; OKTA-API-FACTS section 6).
 */

import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readConfig } from '../functions/lib/config.js';
import { parseConnection } from '../functions/lib/connections.js';
import { secretsManagerHookStore } from '../functions/lib/hook-secrets.js';
import { registerHook } from '../functions/lib/hooks/event-hooks.js';
import { oktaClientFor } from '../functions/lib/okta/client.js';
import type { LocalAws } from './aws/index.js';
import type { ConnectionSecret } from './sandbox-connections.js';

/** Event types the sandbox's hook subscribes to: the lifecycle, membership and sign-in events the actions cause. */
export const sandboxHookEventTypes = [
  'user.lifecycle.create',
  'user.lifecycle.activate',
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'user.lifecycle.unsuspend',
  'user.lifecycle.delete.initiated',
  'user.account.update_profile',
  'user.account.update_password',
  'user.account.reset_password',
  'user.session.start',
  'group.user_membership.add',
  'group.user_membership.remove',
  'application.user_membership.add',
  'application.user_membership.remove',
];

/**
 * Registers the sandbox's hook for its `default` connection as `okta-connector hooks register` does: the same
 * `registerHook` (functions/lib/hooks/event-hooks.ts), signed in with that connection, its hook secret generated and
 * stored in the local Secrets Manager as `okta-connector/default/event-hook`. Returns the secret (EVENT_HOOK_SECRET).
 */
export async function registerSandboxHook(
  connection: ConnectionSecret,
  aws: LocalAws,
  uri: string,
  name = 'default',
): Promise<string> {
  const okta = oktaClientFor(parseConnection(name, connection, readConfig({ ALLOW_INSECURE_LOCAL_OKTA: 'true' })), {
    orgBudget: false,
  });
  const secrets = new SecretsManagerClient({
    endpoint: aws.endpoints.secretsManager,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const store = secretsManagerHookStore({
      secrets,
      cfg: readConfig({ CONNECTION_SECRET_PREFIX: 'okta-connector/' }),
    });
    await registerHook(okta, store, { connection: name, uri, eventTypes: sandboxHookEventTypes });
    return (await store.read(name))!.eventHookSecret;
  } finally {
    secrets.destroy();
  }
}

export interface HookRegistration {
  orgUrl: string;
  /** An SSWS API token allowed to manage event hooks. */
  apiToken: string;
  uri: string;
  /** The `Authorization` value the hook is registered with (the caller stores it where its receiver reads it). */
  secret: string;
  /** Names the hook `okta-connector <connection>` (default `default`). */
  connection?: string;
  eventTypes?: string[];
}

/**
 * Creates (or updates), verifies and activates a hook with a given secret, through the same `registerHook`; returns
 * its id. Throws with what Okta refused.
 */
export async function registerEventHook(registration: HookRegistration): Promise<string> {
  const connection = registration.connection ?? 'default';
  const okta = oktaClientFor(
    parseConnection(
      connection,
      { domain: registration.orgUrl, auth: { type: 'api-token', token: registration.apiToken } },
      readConfig({ ALLOW_INSECURE_LOCAL_OKTA: 'true' }),
    ),
    { orgBudget: false },
  );
  const given = { eventHookSecret: registration.secret };
  const store = { read: () => Promise.resolve(given), write: () => Promise.resolve() };
  const hook = await registerHook(okta, store, {
    connection,
    uri: registration.uri,
    eventTypes: registration.eventTypes ?? sandboxHookEventTypes,
  });
  return hook.id;
}
