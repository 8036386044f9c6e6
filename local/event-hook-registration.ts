/**
 * Registers the connector's event hook in an Okta org through Okta's own event hook API, as an admin would:
 * `POST /api/v1/eventHooks` with the `Authorization` secret, then `POST /api/v1/eventHooks/{id}/lifecycle/verify`,
 * which makes Okta send the one-time verification GET to the hook (EH; OKTA-API-FACTS section 6).
 */

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

export interface HookRegistration {
  orgUrl: string;
  /** An SSWS API token allowed to manage event hooks. */
  apiToken: string;
  uri: string;
  secret: string;
  name?: string;
  eventTypes?: string[];
}

/** Creates and verifies the hook; returns its id. Throws with Okta's error summary when either call fails. */
export async function registerEventHook(
  registration: HookRegistration,
  deps = { fetch: globalThis.fetch },
): Promise<string> {
  const call = async (path: string, body?: unknown) => {
    const response = await deps.fetch(`${registration.orgUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `SSWS ${registration.apiToken}`,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      // Okta answers 411 to a body-less POST without Content-Length; an empty body sends `Content-Length: 0`.
      body: body === undefined ? '' : JSON.stringify(body),
    });
    const payload = (await response.json().catch(() => ({}))) as {
      id?: string;
      errorSummary?: string;
      errorCauses?: Array<{ errorSummary?: string }>;
    };
    if (!response.ok) {
      const causes = payload.errorCauses?.map((c) => c.errorSummary).join('; ');
      throw new Error(
        `Okta refused ${path} (${response.status}): ${payload.errorSummary ?? ''}${causes ? ` (${causes})` : ''}`,
      );
    }
    return payload;
  };
  const hook = await call('/api/v1/eventHooks', {
    name: registration.name ?? 'okta-connector',
    events: { type: 'EVENT_TYPE', items: registration.eventTypes ?? sandboxHookEventTypes },
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: registration.uri,
        headers: [],
        authScheme: { type: 'HEADER', key: 'Authorization', value: registration.secret },
      },
    },
  });
  if (!hook.id) throw new Error('Okta created the event hook but returned no id');
  await call(`/api/v1/eventHooks/${hook.id}/lifecycle/verify`);
  return hook.id;
}
