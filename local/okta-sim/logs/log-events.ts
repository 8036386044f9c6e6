/**
 * Builds System Log events shaped like Okta's (every LogEvent field of the spec's ListLogs example), for the
 * changes the simulator makes and for events added through the control API.
 */
import type { Random } from '../random.js';
import type { LogEventLike } from '../types.js';

/** Display message and legacy event type per event type, as Okta writes them. */
const EVENT_TYPES: Record<string, { displayMessage: string; legacyEventType: string | null }> = {
  'user.lifecycle.create': {
    displayMessage: 'Create Okta user',
    legacyEventType: 'core.user.config.user_creation.success',
  },
  'user.lifecycle.activate': {
    displayMessage: 'Activate Okta user',
    legacyEventType: 'core.user.config.user_activated',
  },
  'user.lifecycle.reactivate': {
    displayMessage: 'Reactivate Okta user',
    legacyEventType: 'core.user.config.user_reactivated',
  },
  'user.lifecycle.deactivate': {
    displayMessage: 'Deactivate Okta user',
    legacyEventType: 'core.user.config.user_deactivated',
  },
  'user.lifecycle.suspend': { displayMessage: 'Suspend Okta user', legacyEventType: 'core.user.config.user_suspended' },
  'user.lifecycle.unsuspend': {
    displayMessage: 'Unsuspend Okta user',
    legacyEventType: 'core.user.config.user_unsuspended',
  },
  'user.lifecycle.delete.initiated': {
    displayMessage: 'Delete Okta user',
    legacyEventType: 'core.user.config.user_deleted',
  },
  'user.lifecycle.delete.completed': { displayMessage: 'Delete Okta user completed', legacyEventType: null },
  'user.account.unlock': { displayMessage: 'Unlock user account', legacyEventType: 'core.user.config.user_unlocked' },
  'user.account.update_profile': {
    displayMessage: 'Update user profile for Okta',
    legacyEventType: 'core.user.config.profile_update.success',
  },
  'user.account.reset_password': {
    displayMessage: 'Fires when an Okta user password is reset',
    legacyEventType: 'core.user.account.reset_password',
  },
  'user.account.expire_password': {
    displayMessage: 'Expire user password',
    legacyEventType: 'core.user.config.password_expired',
  },
  'user.account.update_password': {
    displayMessage: 'User update password for Okta',
    legacyEventType: 'core.user.config.password_update.success',
  },
  'user.account.update_recovery_question': { displayMessage: 'Update recovery question', legacyEventType: null },
  'user.account.privilege.grant': { displayMessage: 'Grant user privilege', legacyEventType: null },
  'user.session.start': { displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_success' },
  'user.session.end': { displayMessage: 'User logout from Okta', legacyEventType: 'core.user_auth.logout_success' },
  'group.user_membership.add': {
    displayMessage: 'Add user to group membership',
    legacyEventType: 'core.user_group_member.user_add',
  },
  'group.user_membership.remove': {
    displayMessage: 'Remove user from group membership',
    legacyEventType: 'core.user_group_member.user_remove',
  },
  'group.lifecycle.create': { displayMessage: 'Create Okta group', legacyEventType: 'core.user_group.created' },
  'application.user_membership.add': {
    displayMessage: 'Add user to application membership',
    legacyEventType: 'app.generic.provision.assign_user_to_app',
  },
  'application.user_membership.remove': {
    displayMessage: 'Remove user from application membership',
    legacyEventType: 'app.generic.unauth_app_access_attempt',
  },
  'system.org.rate_limit.violation': {
    displayMessage: 'Rate limit violation',
    legacyEventType: 'core.framework.ratelimit.exceeded',
  },
  'core.concurrency.org.limit.violation': {
    displayMessage: 'Org concurrency limit violation',
    legacyEventType: 'core.concurrency.org.limit.violation',
  },
};

export interface LogActor {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry: null;
}

export interface LogTarget extends LogActor {
  changeDetails?: unknown;
}

export interface Geo {
  city: string;
  state: string;
  country: string;
  postalCode: string;
  geolocation: { lat: number; lon: number };
}

export interface LogClientInput {
  ipAddress: string;
  geo: Geo | null;
  rawUserAgent: string;
}

/** Where a request came from, in the shape of `client` and `request.ipChain`. */
export function describeClient(input: LogClientInput): Pick<LogEventLike, 'client' | 'request'> {
  const { os, browser } = parseUserAgent(input.rawUserAgent);
  return {
    client: {
      userAgent: { rawUserAgent: input.rawUserAgent, os, browser },
      zone: 'null',
      device: browser === 'UNKNOWN' ? 'Unknown' : 'Computer',
      id: null,
      ipAddress: input.ipAddress,
      geographicalContext: input.geo,
    },
    request: {
      ipChain: [
        {
          ip: input.ipAddress,
          geographicalContext: input.geo,
          version: input.ipAddress.includes(':') ? 'V6' : 'V4',
          source: null,
        },
      ],
    },
  };
}

function parseUserAgent(raw: string): { os: string; browser: string } {
  const os = /Windows/.test(raw)
    ? 'Windows 10'
    : /Mac OS X/.test(raw)
      ? 'Mac OS X'
      : /Linux/.test(raw)
        ? 'Linux'
        : 'Unknown';
  const browser = /Edg\//.test(raw)
    ? 'EDGE'
    : /Chrome\//.test(raw)
      ? 'CHROME'
      : /Firefox\//.test(raw)
        ? 'FIREFOX'
        : /Safari\//.test(raw)
          ? 'SAFARI'
          : 'UNKNOWN';
  return { os, browser };
}

export interface BuildContext {
  random: Random;
  now: number;
}

/**
 * Completes a partial event into a full LogEvent: every field Okta sends is present (null when unknown), so
 * consumers written against real events find the paths they expect.
 */
export function buildLogEvent(
  partial: Partial<LogEventLike> & { eventType: string },
  context: BuildContext,
): LogEventLike {
  const known = EVENT_TYPES[partial.eventType];
  const requestId = context.random.base62(27);
  const defaults = describeClient({ ipAddress: '127.0.0.1', geo: null, rawUserAgent: 'okta-sim' });
  return {
    actor: {
      id: '00u00000000000000000',
      type: 'User',
      alternateId: 'system@okta.com',
      displayName: 'Okta System',
      detailEntry: null,
    },
    client: defaults.client,
    device: null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      rootSessionId: null,
      externalSessionId: `trs${context.random.base62(22)}`,
    },
    displayMessage: known?.displayMessage ?? partial.eventType,
    outcome: { result: 'SUCCESS', reason: null },
    published: new Date(context.now).toISOString(),
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    severity: 'INFO',
    debugContext: { debugData: { requestId, requestUri: '/api/v1', url: '/api/v1' } },
    legacyEventType: known?.legacyEventType ?? null,
    transaction: { type: 'WEB', id: requestId, detail: {} },
    uuid: context.random.uuid(),
    version: '0',
    request: defaults.request,
    target: [],
    ...partial,
  };
}
