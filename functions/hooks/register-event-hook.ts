/**
 * The `eventHookRegistration` custom resource of the construct: registers a connection's Okta event hook with the
 * stack, through the same `registerHook` as `okta-connector hooks register` (functions/lib/hooks/event-hooks.ts).
 *
 * - Create and Update: register at `Url` (create, or update in place, verify, activate). The hook id is in the
 *   physical id, so an Update that moves the hook to another URL makes CloudFormation delete the old one after.
 * - Delete: deactivate and delete that hook (already gone: nothing to do). The hook secret stays.
 *
 * Properties carry no secret: the secret is generated here into `<prefix><connection>/event-hook` and never leaves
 * Secrets Manager and Okta. The answer goes to CloudFormation's pre-signed `ResponseURL`; its `Reason` says what
 * Okta refused, never a secret or a stack.
 */
import { secretsManagerHookStore } from '../lib/hook-secrets.js';
import { registerHook, removeHookById, resolveEventTypes } from '../lib/hooks/event-hooks.js';
import { logger } from '../lib/observability.js';
import { oktaClient } from '../lib/okta/client-cache.js';

/** What CloudFormation sends a Lambda-backed custom resource. */
export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: { Connection: string; Url: string; EventTypes: string | string[] };
}

export interface RegistrationDeps {
  fetch?: typeof globalThis.fetch;
}

const PREFIX = 'okta-event-hook';

/** Handles one custom resource request; always answers CloudFormation, so a failure never hangs the stack. */
export async function handler(
  event: CustomResourceEvent,
  _context?: unknown,
  deps: RegistrationDeps = {},
): Promise<void> {
  const { Connection: connection, Url: uri, EventTypes: types } = event.ResourceProperties;
  let physicalId = event.PhysicalResourceId ?? `${PREFIX}:${connection}:none`;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason: string | undefined;
  try {
    if (event.RequestType === 'Delete') {
      const id = hookIdOf(physicalId);
      if (id) await removeHookById(await oktaClient(connection), id);
    } else {
      const hook = await registerHook(await oktaClient(connection), secretsManagerHookStore(), {
        connection,
        uri,
        eventTypes: resolveEventTypes(types),
      });
      physicalId = `${PREFIX}:${connection}:${hook.id}`;
    }
  } catch (error) {
    status = 'FAILED';
    reason = `${error instanceof Error ? error.name : 'Error'}: ${error instanceof Error ? error.message : String(error)}`;
    logger.error('Event hook registration failed', { connection, requestType: event.RequestType, error });
  }
  await respond(event, { Status: status, PhysicalResourceId: physicalId, ...(reason ? { Reason: reason } : {}) }, deps);
}

/** The hook id of a physical id this function made, or undefined (a create that failed made none). */
function hookIdOf(physicalId: string): string | undefined {
  const [prefix, , id] = physicalId.split(':');
  return prefix === PREFIX && id && id !== 'none' ? id : undefined;
}

async function respond(
  event: CustomResourceEvent,
  outcome: { Status: 'SUCCESS' | 'FAILED'; PhysicalResourceId: string; Reason?: string },
  deps: RegistrationDeps,
): Promise<void> {
  const body = JSON.stringify({
    ...outcome,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { HookId: hookIdOf(outcome.PhysicalResourceId) ?? '' },
  });
  // S3's pre-signed PUT: no Content-Type (it is part of the signature), and no redirects followed.
  const response = await (deps.fetch ?? globalThis.fetch)(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body,
    redirect: 'error',
  });
  if (!response.ok) throw new Error(`CloudFormation's response URL answered ${response.status}`);
}
