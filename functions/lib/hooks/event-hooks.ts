/**
 * The connection's Okta event hook, managed through Okta's event hook API (`/api/v1/eventHooks`, scope
 * `okta.eventHooks.manage`; OKTA-API-FACTS section 6) with the connection's own sign-in: register (create or update,
 * verify, activate), list, rotate the secret, remove. The CLI (`okta-connector hooks`), the construct's custom
 * resource and the sandbox all register through `registerHook`, so they behave the same.
 *
 * A connection has at most one hook, named `okta-connector <connection>`; registering again updates it in place
 * (idempotent). Its secret is the connection's hook secret (functions/lib/hook-secrets.ts): generated, never typed,
 * stored before Okta is told, so the verification GET finds it.
 */
import { OktaNotFound, OktaValidationFailed } from '../errors.js';
import { newHookSecret, VERIFICATION_WINDOW_MS, type HookSecretStore } from '../hook-secrets.js';
import type { OktaClient } from '../okta/types.js';
import { betaEventHookTypes, eventHookTypes } from './event-hook-types.js';

/** An event hook as Okta's API returns it (`authScheme.value` never is). */
export interface OktaEventHook {
  id: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  verificationStatus: 'VERIFIED' | 'UNVERIFIED';
  events: { type: 'EVENT_TYPE'; items: string[] };
  channel: { type: 'HTTP'; version: string; config: { uri: string; headers?: unknown[] } };
}

/** EH: "at most 25 active, verified hooks per org". */
export const MAX_ACTIVE_HOOKS_PER_ORG = 25;
/** EH: "300 event types per hook". */
export const MAX_EVENT_TYPES_PER_HOOK = 300;
/** `--types all-eligible`. */
export const ALL_ELIGIBLE = 'all-eligible';

/** Why a hook could not be registered, rotated or removed, in words the operator can act on. */
export class EventHookProblem extends Error {
  override readonly name = 'EventHookProblem';
  constructor(
    readonly kind: 'InvalidEventTypes' | 'HookLimit' | 'Unverifiable' | 'NotFound' | 'NoHookSecret',
    message: string,
  ) {
    super(message);
  }
}

/** The name of the connection's hook in Okta. */
export function hookNameOf(connection: string): string {
  return `okta-connector ${connection}`;
}

const eligible = new Set<string>([...eventHookTypes, ...betaEventHookTypes]);

/**
 * The event types of `--types`: `all-eligible` (every generally available eligible type of Okta's catalogue), or a
 * comma-separated list of eligible types. Anything else is refused, naming each type Okta would not allow.
 */
export function resolveEventTypes(types: string | readonly string[]): string[] {
  const requested = typeof types === 'string' ? types.split(/[\s,]+/).filter(Boolean) : [...types];
  if (requested.length === 1 && requested[0] === ALL_ELIGIBLE) return [...eventHookTypes];
  if (requested.length === 0)
    throw new EventHookProblem('InvalidEventTypes', `name the event types, or ${ALL_ELIGIBLE}`);
  const refused = requested.filter((type) => !eligible.has(type));
  if (refused.length > 0) {
    throw new EventHookProblem(
      'InvalidEventTypes',
      `not event types Okta allows in an event hook: ${refused.join(', ')} (eligible: the event-hook-eligible entries of Okta's Event Types catalogue, functions/lib/hooks/event-hook-types.ts; or ${ALL_ELIGIBLE})`,
    );
  }
  const unique = [...new Set(requested)];
  if (unique.length > MAX_EVENT_TYPES_PER_HOOK)
    throw new EventHookProblem(
      'InvalidEventTypes',
      `${unique.length} event types: Okta allows at most ${MAX_EVENT_TYPES_PER_HOOK} per hook`,
    );
  return unique;
}

/** Every event hook of the org. */
export async function listHooks(okta: OktaClient): Promise<OktaEventHook[]> {
  return (await okta.request<OktaEventHook[]>({ method: 'GET', path: '/api/v1/eventHooks' })).body;
}

/** The connection's hooks: those named after it (one per URL it was registered at). */
export async function hooksOf(okta: OktaClient, connection: string): Promise<OktaEventHook[]> {
  return (await listHooks(okta)).filter((hook) => hook.name === hookNameOf(connection));
}

export interface Registration {
  connection: string;
  /** The stack's `EventHookUrl` with `?connection=<connection>`. */
  uri: string;
  /** Event types, already resolved (`resolveEventTypes`). */
  eventTypes: readonly string[];
}

/**
 * Creates the connection's hook at `uri`, or updates the one it has there, with its hook secret (generated and stored first when
 * there is none), then has Okta verify it and activates it. A hook this call created is deleted again when Okta
 * cannot verify it, so a failed registration leaves nothing behind in Okta.
 */
export async function registerHook(
  okta: OktaClient,
  store: HookSecretStore,
  registration: Registration,
): Promise<OktaEventHook> {
  const { connection, uri } = registration;
  const eventTypes = resolveEventTypes(registration.eventTypes);
  const hooks = await listHooks(okta);
  // Only a hook at the same URL is updated: one registered elsewhere is left as it is (a URL that fails to verify
  // must not break a working hook).
  const existing = hooks.find((hook) => hook.channel.config.uri === uri);
  if (!existing) {
    const active = hooks.filter((hook) => hook.status === 'ACTIVE').length;
    if (active >= MAX_ACTIVE_HOOKS_PER_ORG)
      throw new EventHookProblem(
        'HookLimit',
        `the org has ${active} active event hooks and Okta allows at most ${MAX_ACTIVE_HOOKS_PER_ORG}: deactivate or remove one first (okta-connector hooks list)`,
      );
  }
  // With the org's domain, which the hook checks a delivery's source against (it cannot read the connection), and
  // the verification window open for Okta's GET, closed again once Okta has verified (issue 14 item 6).
  const stored = await store.read(connection);
  const secrets = {
    ...(stored ?? { eventHookSecret: newHookSecret(), domain: okta.connection.baseUrl }),
    verificationOpenUntil: Date.now() + VERIFICATION_WINDOW_MS,
  };
  await store.write(connection, secrets);
  const body = hookBody(connection, uri, eventTypes, secrets.eventHookSecret);
  const hook = existing
    ? (await okta.request<OktaEventHook>({ method: 'PUT', path: hookPath(existing.id), body })).body
    : (await okta.request<OktaEventHook>({ method: 'POST', path: '/api/v1/eventHooks', body })).body;
  try {
    await verify(okta, hook, uri);
  } catch (error) {
    if (!existing) await deleteHook(okta, hook).catch(() => undefined);
    await store.write(connection, { ...secrets, verificationOpenUntil: Date.now() }).catch(() => undefined);
    throw error;
  }
  await store.write(connection, { ...secrets, verificationOpenUntil: Date.now() });
  return activate(okta, hook);
}

/**
 * Gives the connection's hooks a new secret: the new one is stored with the old one kept as
 * `previousEventHookSecret` (the receiver accepts both), Okta is given the new one and verifies each hook again,
 * and the old one is then dropped. When Okta refuses, the stored secret goes back to the old one, and the hooks
 * already given the new one get the old one back, so Okta and the store agree again.
 */
export async function rotateHookSecret(
  okta: OktaClient,
  store: HookSecretStore,
  connection: string,
): Promise<OktaEventHook[]> {
  const hooks = await requireHooks(okta, connection);
  const current = await store.read(connection);
  if (!current)
    throw new EventHookProblem(
      'NoHookSecret',
      `connection "${connection}" has no hook secret to rotate: register the hook first (okta-connector hooks register)`,
    );
  const next = newHookSecret();
  const { previousEventHookSecret: _dropped, verificationOpenUntil: _window, ...kept } = current;
  const closed = () => ({ verificationOpenUntil: Date.now() });
  await store.write(connection, {
    ...kept,
    eventHookSecret: next,
    previousEventHookSecret: current.eventHookSecret,
    verificationOpenUntil: Date.now() + VERIFICATION_WINDOW_MS,
  });
  const given: OktaEventHook[] = [];
  try {
    for (const hook of hooks) {
      given.push(hook);
      const updated = await giveSecret(okta, connection, hook, next);
      await verify(okta, updated, hook.channel.config.uri);
    }
  } catch (error) {
    for (const hook of given) await giveSecret(okta, connection, hook, current.eventHookSecret).catch(() => undefined);
    await store.write(connection, { ...current, ...closed() });
    throw error;
  }
  await store.write(connection, { ...kept, eventHookSecret: next, ...closed() });
  const rotated: OktaEventHook[] = [];
  for (const hook of hooks) rotated.push(await activate(okta, hook));
  return rotated;
}

async function giveSecret(
  okta: OktaClient,
  connection: string,
  hook: OktaEventHook,
  secret: string,
): Promise<OktaEventHook> {
  const body = hookBody(connection, hook.channel.config.uri, hook.events.items, secret);
  return (await okta.request<OktaEventHook>({ method: 'PUT', path: hookPath(hook.id), body })).body;
}

/**
 * Deactivates and deletes the connection's hooks (Okta deletes only INACTIVE hooks), or only the one at `uri`; the
 * hook secret is kept.
 */
export async function removeHook(okta: OktaClient, connection: string, uri?: string): Promise<OktaEventHook[]> {
  const hooks = (await requireHooks(okta, connection)).filter(
    (hook) => uri === undefined || hook.channel.config.uri === uri,
  );
  for (const hook of hooks) await deleteHook(okta, hook);
  return hooks;
}

/** Deactivates and deletes the hook with this id; one Okta no longer has is already removed (idempotent). */
export async function removeHookById(okta: OktaClient, id: string): Promise<void> {
  let hook: OktaEventHook;
  try {
    hook = (await okta.request<OktaEventHook>({ method: 'GET', path: hookPath(id) })).body;
  } catch (error) {
    if (error instanceof OktaNotFound) return;
    throw error;
  }
  await deleteHook(okta, hook);
}

async function requireHooks(okta: OktaClient, connection: string): Promise<OktaEventHook[]> {
  const hooks = await hooksOf(okta, connection);
  if (hooks.length === 0)
    throw new EventHookProblem(
      'NotFound',
      `connection "${connection}" has no event hook in Okta (none named "${hookNameOf(connection)}")`,
    );
  return hooks;
}

async function verify(okta: OktaClient, hook: OktaEventHook, uri: string): Promise<void> {
  try {
    await okta.request({ method: 'POST', path: `${hookPath(hook.id)}/lifecycle/verify` });
  } catch (error) {
    if (!(error instanceof OktaValidationFailed)) throw error;
    const causes = error.causes?.join('; ');
    throw new EventHookProblem(
      'Unverifiable',
      `Okta could not verify ${uri}${causes ? ` (${causes})` : ''}: check that the stack is deployed, that the URL is its EventHookUrl with ?connection=<name>, and that the connection is one of its connections`,
    );
  }
}

async function activate(okta: OktaClient, hook: OktaEventHook): Promise<OktaEventHook> {
  if (hook.status === 'ACTIVE')
    return (await okta.request<OktaEventHook>({ method: 'GET', path: hookPath(hook.id) })).body;
  const path = `${hookPath(hook.id)}/lifecycle/activate`;
  return (await okta.request<OktaEventHook>({ method: 'POST', path })).body;
}

async function deleteHook(okta: OktaClient, hook: OktaEventHook): Promise<void> {
  if (hook.status === 'ACTIVE')
    await okta.request({ method: 'POST', path: `${hookPath(hook.id)}/lifecycle/deactivate` });
  await okta.request({ method: 'DELETE', path: hookPath(hook.id) });
}

function hookPath(id: string): string {
  return `/api/v1/eventHooks/${encodeURIComponent(id)}`;
}

function hookBody(connection: string, uri: string, eventTypes: readonly string[], secret: string): unknown {
  return {
    name: hookNameOf(connection),
    events: { type: 'EVENT_TYPE', items: eventTypes },
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: { uri, headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: secret } },
    },
  };
}
