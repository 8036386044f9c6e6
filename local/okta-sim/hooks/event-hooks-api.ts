/**
 * The event hook management API (`/api/v1/eventHooks...`), shaped as the spec's `EventHook`: create, list, get,
 * replace, delete, activate, deactivate and verify. `authScheme.value` is kept but never returned.
 */
import { isoDate } from '../clock.js';
import { OktaApiError } from '../errors.js';
import type { Route, SimOrgServices, SimRequest, SimResponse } from '../types.js';

export interface StoredEventHook {
  id: string;
  name: string;
  description: string | null;
  status: 'ACTIVE' | 'INACTIVE';
  verificationStatus: 'VERIFIED' | 'UNVERIFIED';
  created: string;
  createdBy: string;
  lastUpdated: string;
  events: { type: 'EVENT_TYPE'; items: string[]; filter: unknown };
  channel: {
    type: 'HTTP';
    version: string;
    config: {
      uri: string;
      headers: Array<{ key: string; value: string }>;
      authScheme?: { type: 'HEADER'; key: string; value?: string };
    };
  };
}

export interface EventHookApiDeps {
  services: SimOrgServices;
  hooks: Map<string, StoredEventHook>;
  /** Sends the verification GET; the problem when the endpoint failed it. */
  verify(hook: StoredEventHook): Promise<string | undefined>;
}

/** EH: "at most 300 event types per hook". */
const MAX_EVENT_TYPES = 300;
const READ = ['okta.eventHooks.read', 'okta.eventHooks.manage'];
const MANAGE = ['okta.eventHooks.manage'];

/** The `/api/v1/eventHooks` routes. */
export function createEventHookApiRoutes(deps: EventHookApiDeps): Route[] {
  const { services, hooks } = deps;
  const now = (): string => isoDate(services.clock.now());
  const json = (hook: StoredEventHook): SimResponse => ({
    status: 200,
    body: toEventHookJson(hook, services.baseUrl()),
  });
  const withHook =
    (handler: (hook: StoredEventHook, req: SimRequest) => SimResponse | Promise<SimResponse>) =>
    (req: SimRequest, params: Record<string, string>): SimResponse | Promise<SimResponse> => {
      const hook = hooks.get(params.eventHookId ?? '');
      if (!hook)
        throw new OktaApiError('E0000007', {
          // Okta names the type "Webhook" (okta-sdk-python.json[131]).
          summaryArgument: `Resource not found: ${params.eventHookId ?? ''} (Webhook)`,
        });
      return handler(hook, req);
    };
  const route = (method: Route['method'], pattern: string, scopes: string[], handler: Route['handler']): Route => ({
    method,
    pattern,
    bucket: 'other',
    scopes,
    handler,
  });

  return [
    route('GET', '/api/v1/eventHooks', READ, () => ({
      status: 200,
      body: [...hooks.values()].map((hook) => toEventHookJson(hook, services.baseUrl())),
    })),
    route('POST', '/api/v1/eventHooks', MANAGE, (req) => {
      const input = parseEventHook(req.body);
      if (typeof input === 'string')
        throw new OktaApiError('E0000001', { causes: [input], summaryArgument: 'eventHook' });
      const hook: StoredEventHook = {
        ...input,
        id: services.newId('who'),
        // The spec: "Creates a new event hook ... in ACTIVE status"; it receives nothing until verified.
        status: 'ACTIVE',
        verificationStatus: 'UNVERIFIED',
        created: now(),
        createdBy: req.principal?.userId ?? (req.principal?.kind === 'oauth' ? req.principal.clientId : 'unknown'),
        lastUpdated: now(),
      };
      hooks.set(hook.id, hook);
      return json(hook);
    }),
    route('GET', '/api/v1/eventHooks/:eventHookId', READ, withHook(json)),
    route(
      'PUT',
      '/api/v1/eventHooks/:eventHookId',
      MANAGE,
      withHook((hook, req) => {
        const input = parseEventHook(req.body);
        if (typeof input === 'string')
          throw new OktaApiError('E0000001', { causes: [input], summaryArgument: 'eventHook' });
        // A client cannot send back the secret it never sees: an omitted value keeps the one on file.
        const previousSecret = hook.channel.config.authScheme?.value;
        if (input.channel.config.authScheme && input.channel.config.authScheme.value === undefined) {
          input.channel.config.authScheme.value = previousSecret;
        }
        // The spec: "Updating the `channel` property requires you to verify the hook again."
        const channelChanged = JSON.stringify(input.channel) !== JSON.stringify(hook.channel);
        Object.assign(hook, input, { lastUpdated: now() });
        // A PUT may set the status too (terraform-provider-okta.json[100] INACTIVE, [102] ACTIVE).
        const status = asObject(req.body)?.status;
        if (status === 'ACTIVE' || status === 'INACTIVE') hook.status = status;
        if (channelChanged) hook.verificationStatus = 'UNVERIFIED';
        return json(hook);
      }),
    ),
    route(
      'DELETE',
      '/api/v1/eventHooks/:eventHookId',
      MANAGE,
      withHook((hook) => {
        // The spec: "you can only delete event hooks with a status of INACTIVE". The error code is UNVERIFIED.
        if (hook.status !== 'INACTIVE') {
          throw new OktaApiError('E0000001', {
            causes: ['Cannot delete an event hook that is ACTIVE. Deactivate it first.'],
            summaryArgument: 'eventHook',
          });
        }
        hooks.delete(hook.id);
        return { status: 204 };
      }),
    ),
    route(
      'POST',
      '/api/v1/eventHooks/:eventHookId/lifecycle/activate',
      MANAGE,
      withHook((hook) => {
        Object.assign(hook, { status: 'ACTIVE', lastUpdated: now() });
        return json(hook);
      }),
    ),
    route(
      'POST',
      '/api/v1/eventHooks/:eventHookId/lifecycle/deactivate',
      MANAGE,
      withHook((hook) => {
        Object.assign(hook, { status: 'INACTIVE', lastUpdated: now() });
        return json(hook);
      }),
    ),
    route(
      'POST',
      '/api/v1/eventHooks/:eventHookId/lifecycle/verify',
      MANAGE,
      withHook(async (hook) => {
        const problem = await deps.verify(hook);
        if (problem !== undefined) {
          throw new OktaApiError('E0000001', {
            causes: [`Event hook verification failed: ${problem}.`],
            summaryArgument: 'Verification failed',
          });
        }
        Object.assign(hook, { verificationStatus: 'VERIFIED', lastUpdated: now() });
        return json(hook);
      }),
    ),
  ];
}

/** The hook as the API returns it: no `authScheme.value`, links for the allowed lifecycle calls. */
export function toEventHookJson(hook: StoredEventHook, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/eventHooks/${hook.id}`;
  const post = (path: string) => ({ href: `${self}/lifecycle/${path}`, hints: { allow: ['POST'] } });
  const { authScheme, ...config } = hook.channel.config;
  return {
    id: hook.id,
    status: hook.status,
    verificationStatus: hook.verificationStatus,
    name: hook.name,
    description: hook.description,
    created: hook.created,
    createdBy: hook.createdBy,
    lastUpdated: hook.lastUpdated,
    events: hook.events,
    channel: {
      type: hook.channel.type,
      version: hook.channel.version,
      config: {
        ...config,
        method: 'POST',
        ...(authScheme ? { authScheme: { type: authScheme.type, key: authScheme.key } } : {}),
      },
    },
    // ACTIVE: self, verify, deactivate; INACTIVE: activate, self, delete (terraform-provider-okta.json[100]-[104]).
    _links:
      hook.status === 'ACTIVE'
        ? { self: { href: self }, verify: post('verify'), deactivate: post('deactivate') }
        : { activate: post('activate'), self: { href: self }, delete: { href: self, hints: { allow: ['DELETE'] } } },
  };
}

type EventHookInput = Pick<StoredEventHook, 'name' | 'description' | 'events' | 'channel'>;

/** The writable part of an EventHook body, or the first problem found (an E0000001 cause). */
function parseEventHook(body: unknown): EventHookInput | string {
  const input = asObject(body);
  if (!input) return 'The request body must be an event hook object.';
  if (typeof input.name !== 'string' || input.name.trim() === '') return 'name: The field cannot be left blank';
  const events = asObject(input.events);
  if (!events || events.type !== 'EVENT_TYPE') return 'events.type: The field must be EVENT_TYPE';
  const items = events.items;
  if (!Array.isArray(items) || items.length === 0 || !items.every((item) => typeof item === 'string')) {
    return 'events.items: At least one event type is required';
  }
  if (items.length > MAX_EVENT_TYPES) return `events.items: At most ${MAX_EVENT_TYPES} event types are allowed`;
  const channel = asObject(input.channel);
  const config = asObject(channel?.config);
  if (!channel || channel.type !== 'HTTP') return 'channel.type: The field must be HTTP';
  if (channel.version !== '1.0.0') return 'channel.version: The only supported version is 1.0.0';
  if (!config || typeof config.uri !== 'string' || !isAllowedUri(config.uri)) {
    return 'channel.config.uri: The URI must be a valid HTTPS URL';
  }
  const headers = config.headers ?? [];
  if (
    !Array.isArray(headers) ||
    !headers.every((h) => typeof asObject(h)?.key === 'string' && typeof asObject(h)?.value === 'string')
  ) {
    return 'channel.config.headers: Each header needs a key and a value';
  }
  const scheme =
    config.authScheme === undefined || config.authScheme === null ? undefined : asObject(config.authScheme);
  if (
    scheme &&
    (scheme.type !== 'HEADER' ||
      typeof scheme.key !== 'string' ||
      (scheme.value !== undefined && typeof scheme.value !== 'string'))
  ) {
    return 'channel.config.authScheme: type must be HEADER, with a key and a value';
  }
  return {
    name: input.name,
    description: typeof input.description === 'string' ? input.description : null,
    events: { type: 'EVENT_TYPE', items: items, filter: events.filter ?? null },
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: config.uri,
        headers: (headers as Array<{ key: string; value: string }>).map(({ key, value }) => ({ key, value })),
        ...(scheme
          ? { authScheme: { type: 'HEADER', key: scheme.key as string, value: scheme.value as string | undefined } }
          : {}),
      },
    },
  };
}

/**
 * Okta requires HTTPS. The simulator also takes plain HTTP on loopback hosts, so the local sandbox and tests can
 * run a receiver without a certificate.
 */
function isAllowedUri(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    );
  } catch {
    return false;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
