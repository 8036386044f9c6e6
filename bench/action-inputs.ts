/**
 * Valid inputs for each function's invocations, drawn from the simulated org. An action that changes a user gets
 * a user of its own on every run (run `i` of `suspend-user` suspends a user no other run touched), so every
 * cold start answers a real request rather than an error.
 */
import { functionUrlEvent } from './lambda-invocation.js';
import { eventTemplates, hookDelivery, realSizedEvents, type SampleEvent } from './sample-events.js';

export interface OrgSample {
  /** ACTIVE users other than the admin, in a stable order. */
  activeUserIds: string[];
  oktaGroupIds: string[];
  groupNames: string[];
  /** The Everyone group (every user is a member). */
  everyoneGroupId?: string;
  /** An IP address that signed in (from the System Log). */
  signInIp: string;
}

/** Reads what the inputs need from the org's own API. */
export async function sampleOrg(orgUrl: string, apiToken: string): Promise<OrgSample> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${orgUrl}${path}`, {
      headers: { authorization: `SSWS ${apiToken}`, accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    return (await response.json()) as T;
  };
  const users = await get<Array<{ id: string; status: string; profile: { login: string } }>>(
    `/api/v1/users?search=${encodeURIComponent('status eq "ACTIVE"')}&limit=200`,
  );
  const groups = await get<Array<{ id: string; type: string; profile: { name: string } }>>('/api/v1/groups?limit=200');
  const signIns = await get<Array<{ client?: { ipAddress?: string } }>>(
    `/api/v1/logs?filter=${encodeURIComponent('eventType eq "user.session.start"')}&since=${new Date(Date.now() - 30 * 86_400_000).toISOString()}&limit=1`,
  );
  return {
    activeUserIds: users.filter((u) => !u.profile.login.startsWith('admin@')).map((u) => u.id),
    oktaGroupIds: groups.filter((g) => g.type === 'OKTA_GROUP').map((g) => g.id),
    groupNames: groups.map((g) => g.profile.name),
    everyoneGroupId: groups.find((g) => g.type === 'BUILT_IN')?.id,
    signInIp: signIns[0]?.client?.ipAddress ?? '184.73.186.14',
  };
}

/** Actions that change the user they are given: each run takes a user no other run had. */
const changesUser = [
  'deactivate-user',
  'delete-user',
  'suspend-user',
  'reset-password',
  'expire-password',
  'reset-forgotten-password',
];
const USERS_PER_ACTION = 10;

export interface InvocationOptions {
  run: number;
  /** A tag that keeps created logins unique across bench runs. */
  runTag: string;
  hookSecret: string;
}

/** The event of run `run` of a function (a direct-invoke input for actions). Undefined: no known input. */
export function invocationEvent(name: string, sample: OrgSample, options: InvocationOptions): unknown {
  const { run } = options;
  const userAt = (slot: number) => sample.activeUserIds[slot % Math.max(1, sample.activeUserIds.length)] ?? '00unknown';
  const ownUser = changesUser.includes(name)
    ? userAt(1 + changesUser.indexOf(name) * USERS_PER_ACTION + (run % USERS_PER_ACTION))
    : userAt(0);
  const group = sample.oktaGroupIds[0] ?? sample.everyoneGroupId ?? '00gunknown';
  const login = `bench-${options.runTag}-${run}@example.com`;
  switch (name) {
    case 'get-user':
    case 'get-user-groups':
    case 'list-user-apps':
    case 'activate-user':
    case 'unsuspend-user':
    case 'deactivate-user':
    case 'delete-user':
    case 'suspend-user':
    case 'reset-password':
    case 'reset-forgotten-password':
      return { userId: ownUser };
    case 'expire-password':
      return { userId: ownUser, tempPassword: true };
    case 'update-user':
      return { userId: ownUser, profile: { department: `Bench ${run}` } };
    case 'create-user':
      return {
        profile: { login, email: login, firstName: 'Bench', lastName: `Run ${run}` },
        password: 'a-long-Passphrase-42',
      };
    case 'add-user-to-group':
    case 'remove-user-from-group':
      return { userId: ownUser, groupId: group };
    case 'get-group-members':
      return { groupId: sample.everyoneGroupId ?? group, limit: 200 };
    case 'get-groups-by-name':
      return { name: sample.groupNames[run % Math.max(1, sample.groupNames.length)] ?? 'Everyone' };
    case 'get-logon-events-by-ip':
      return { ipAddress: sample.signInIp, limit: 100 };
    case 'search-users':
      return { search: 'status eq "ACTIVE"', limit: 200 };
    case 'event-hook':
      return hookEvent(realSizedEvents(1, eventTemplates()), options.hookSecret);
    case 'poll-system-log':
      return { connection: 'default' };
    case 'scheduled-search':
      // Invoked directly (as Step Functions does): the last hour's sign-ins.
      return { ...lastHour(), filter: 'eventType eq "user.session.start"' };
    case 'replay':
      return lastHour();
    // No consent was started (that takes an operator's IAM-signed call), so both refuse: the link's unknown ticket,
    // the callback's unknown state. Their load and first table call are measured.
    case 'oauth-authorize':
      return apiGatewayGet({ consent: `bench${String(run).padStart(38, '0')}` });
    case 'oauth-callback':
      return apiGatewayGet({ state: `bench-${run}`, code: 'bench' });
    default:
      return undefined;
  }
}

/**
 * The answer a function is expected to give its bench input when that answer is a refusal: the OAuth functions are
 * called without a consent having been started, so they refuse the unknown ticket or state (HTTP 400), which is
 * right.
 */
export function expectedRefusal(name: string): string | undefined {
  return name === 'oauth-authorize' || name === 'oauth-callback' ? 'HTTP 400' : undefined;
}

/** The authorization-code connection the OAuth consent functions are invoked with. */
export const OAUTH_CONNECTION = 'bench-oauth';

function lastHour(): { since: string; until: string } {
  const now = Date.now();
  return { since: new Date(now - 3_600_000).toISOString(), until: new Date(now).toISOString() };
}

/** An API Gateway REST (v1) GET with a query string, as the OAuth routes receive it. */
function apiGatewayGet(query: Record<string, string>): Record<string, unknown> {
  return {
    resource: '/oauth/authorize',
    path: '/oauth/authorize',
    httpMethod: 'GET',
    headers: { host: 'bench.execute-api.us-east-1.amazonaws.com' },
    queryStringParameters: query,
    requestContext: {
      stage: 'prod',
      domainName: 'bench.execute-api.us-east-1.amazonaws.com',
      path: '/prod/oauth/authorize',
    },
    body: null,
    isBase64Encoded: false,
  };
}

/** A Function URL POST of an event hook delivery. */
export function hookEvent(events: SampleEvent[], secret: string): Record<string, unknown> {
  return functionUrlEvent('POST', { authorization: secret }, hookDelivery(events));
}
