// Error bodies, authentication, paging and headers as real Okta answers them. Each fact is stated here and cited
// from the recordings of real orgs (shared/real-okta/<file>[<index>], then the recorder's repository, cassette,
// commit and interaction).
import { describe, expect, it } from 'vitest';
import { newProfile, useSim, type OktaJson, type RawAnswer } from './real-okta-client.js';
import { match } from '../support/match.js';

const { sim, okta } = useSim({ seed: 'realistic', rateLimits: { users: 600, 'user-get': 2000, groups: 500 } });

/**
 * Facts §10.2 (57 of 57 recorded Management API errors): exactly the keys errorCode, errorSummary, errorLink, errorId,
 * errorCauses in that order; errorLink equal to errorCode; errorId `oae` and 22 characters; errorCauses an array.
 */
function expectOktaError(answer: RawAnswer, status: number, errorCode: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/json');
  expect(Object.keys(answer.body as object)).toEqual([
    'errorCode',
    'errorSummary',
    'errorLink',
    'errorId',
    'errorCauses',
  ]);
  expect(answer.body).toMatchObject({ errorCode, errorLink: errorCode, errorCauses: match.any(Array) });
  expect(answer.body.errorId).toMatch(/^oae[A-Za-z0-9_-]{22}$/);
}

describe('error bodies', () => {
  // okta-sdk-python.json[61] (okta/okta-sdk-python test_users_it/TestUsersResource.test_create_get_user.yaml @f68509793a
  // i=5) and oktakit.json[30] (Shopify/oktakit cassettes/404.yml @8aa89c6044 i=0, `GET /users/-1`): the summary echoes
  // the id from the path, "Not found: Resource not found: <id> (User)", with no causes.
  it('a missing user is 404 E0000007 naming the id and the type User', async () => {
    const answer = await okta('GET', '/api/v1/users/-1');
    expectOktaError(answer, 404, 'E0000007');
    expect(answer.body).toMatchObject({ errorSummary: 'Not found: Resource not found: -1 (User)', errorCauses: [] });
  });

  // terraform-provider-okta.json[20] (okta/terraform-provider-okta TestAccResourceOktaUser_invalidCustomProfileAttribute/
  // classic-00.yaml @e59c130b0b i=0): an unknown profile property on create is 400 E0000001 "Api validation failed:
  // newUser" with the cause "Property name 'notValid' is not defined in profile".
  it('an unknown profile property is 400 E0000001 naming it', async () => {
    const answer = await okta('POST', '/api/v1/users', { profile: newProfile({ notValid: 'this-isnt-valid' }) });
    expectOktaError(answer, 400, 'E0000001');
    expect(answer.body).toMatchObject({
      errorSummary: 'Api validation failed: newUser',
      errorCauses: [{ errorSummary: "Property name 'notValid' is not defined in profile" }],
    });
  });

  // terraform-provider-okta.json[156] (okta/terraform-provider-okta TestAccResourceOktaGroupMemberships_TrackAllUsersBehavior/
  // mm-oie-2022-10-07-max.yaml @e2a145cb42 i=73): removing a deleted user from a group is 404 E0000007 "(User)".
  it('removing a deleted user from a group is 404 E0000007 naming the user', async () => {
    const group = await okta('POST', '/api/v1/groups', { profile: { name: `gone-${Date.now()}` } });
    const user = await okta('POST', '/api/v1/users?activate=false', { profile: newProfile() });
    const userId = String(user.body.id);
    await okta('PUT', `/api/v1/groups/${String(group.body.id)}/users/${userId}`);
    await okta('DELETE', `/api/v1/users/${userId}`);
    await okta('DELETE', `/api/v1/users/${userId}`);
    const answer = await okta('DELETE', `/api/v1/groups/${String(group.body.id)}/users/${userId}`);
    expectOktaError(answer, 404, 'E0000007');
    expect(answer.body.errorSummary).toBe(`Not found: Resource not found: ${userId} (User)`);
  });

  // oktakit.json[33] (Shopify/oktakit cassettes/enroll_factor.yml @8aa89c6044 i=1), the one recording of it: a wrong API
  // token is 401 E0000011 "Invalid token provided" with `WWW-Authenticate: SSWS`.
  it('a wrong API token is 401 E0000011 with WWW-Authenticate: SSWS', async () => {
    const response = await fetch(`${sim().url}/api/v1/users/me`, { headers: { authorization: 'SSWS not-the-token' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('SSWS');
    expect(await response.json()).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' });
  });

  // okta-sdk-python.json[163] (test_realms_it/TestRealmsResource.test_update_realm_basic.yaml @f68509793a i=1): 405
  // E0000022 "The endpoint does not support the provided HTTP method" without rate-limit headers or a request id.
  it('an unsupported method is 405 E0000022 without rate-limit headers or a request id', async () => {
    const answer = await okta('PATCH', '/api/v1/users');
    expectOktaError(answer, 405, 'E0000022');
    expect(answer.body.errorSummary).toBe('The endpoint does not support the provided HTTP method');
    expect(answer.headers.get('x-rate-limit-limit')).toBeNull();
    expect(answer.headers.get('x-okta-request-id')).toBeNull();
  });
});

describe('bad cursors', () => {
  // okta-sdk-python.json[159] (test_applications_it/TestApplicationsResource.test_list_applications_pagination_with_after.yaml
  // @f68509793a i=6): an `after` Okta did not issue is 400 E0000029 "Invalid paging request." with the cause
  // "Invalid cursor.".
  it.each(['/api/v1/apps', '/api/v1/users', '/api/v1/groups', '/api/v1/users?filter=status%20eq%20%22ACTIVE%22'])(
    '%s with a bogus after is 400 E0000029 "Invalid cursor."',
    async (path) => {
      const answer = await okta('GET', `${path}${path.includes('?') ? '&' : '?'}after=00u1testcursorvalue&limit=1`);
      expectOktaError(answer, 400, 'E0000029');
      expect(answer.body).toMatchObject({
        errorSummary: 'Invalid paging request.',
        errorCauses: [{ errorSummary: 'Invalid cursor.' }],
      });
    },
  );

  it('a group members list with a bogus after is 400 E0000029', async () => {
    const groups = await okta<OktaJson[]>('GET', '/api/v1/groups?limit=1');
    const answer = await okta('GET', `/api/v1/groups/${String(groups.body[0]!.id)}/users?after=00u1testcursorvalue`);
    expectOktaError(answer, 400, 'E0000029');
  });
});

describe('Link headers', () => {
  // okta-sdk-python.json[106] (test_groups_it/TestGroupsResource.test_search_group.yaml @f68509793a i=1) and
  // terraform-provider-okta.json[59] (TestAccDataSourceAuthorizationServersPoliciesRule_read/oie-00.yaml @e59c130b0b i=0):
  // a group list with `q` has no Link header at all.
  it('a group q search has no Link header', async () => {
    const answer = await okta<OktaJson[]>('GET', '/api/v1/groups?q=Every');
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBeGreaterThan(0);
    expect(answer.headers.get('link')).toBeNull();
  });

  // terraform-provider-okta.json[67] (TestAccDataSourceOktaGroups_read/classic-00.yaml @e59c130b0b i=2): a `filter` group
  // list has a self link with `limit` moved first.
  it('a filtered group list has a self link with limit first', async () => {
    const answer = await okta('GET', '/api/v1/groups?filter=type+eq+%22BUILT_IN%22&limit=200');
    expect(answer.links).toEqual([`<${sim().url}/api/v1/groups?limit=200&filter=type+eq+%22BUILT_IN%22>; rel="self"`]);
  });

  // terraform-provider-okta.json[41] (TestAccResourceOktaUserGroupMemberships_crud/classic-00.yaml @e59c130b0b i=16):
  // `/users/{id}/groups` gets `?limit=200`; okta-sdk-python.json[99] (test_groups_it/TestGroupsResource.
  // test_group_users_operations.yaml @f68509793a i=3): `/groups/{id}/users` gets `?limit=1000`;
  // okta-sdk-python.json[18] (test_users_it/TestUsersResource.test_suspend_user.yaml @f68509793a): `/users?filter=`
  // gets `?limit=200&filter=…`.
  it('self links carry the default limit the request left out', async () => {
    const user = String(sim().org.users()[1]?.id);
    const groups = await okta<OktaJson[]>('GET', `/api/v1/users/${user}/groups`);
    expect(groups.links).toEqual([`<${sim().url}/api/v1/users/${user}/groups?limit=200>; rel="self"`]);
    const everyone = String(groups.body[0]!.id);
    const members = await okta('GET', `/api/v1/groups/${everyone}/users`);
    expect(members.links[0]).toBe(`<${sim().url}/api/v1/groups/${everyone}/users?limit=1000>; rel="self"`);
    const filtered = await okta('GET', '/api/v1/users?filter=status+eq+%22SUSPENDED%22');
    expect(filtered.links[0]).toBe(
      `<${sim().url}/api/v1/users?limit=200&filter=status+eq+%22SUSPENDED%22>; rel="self"`,
    );
  });

  // terraform-provider-okta.json[70] (TestAccDataSourceOktaUser_read/classic-00.yaml @e59c130b0b i=15): self and next are
  // separate lines; next is `after=<last id>&limit=…` then the other parameters.
  it('next comes as its own line with after first, and only while more results exist', async () => {
    const first = await okta<OktaJson[]>('GET', '/api/v1/users?limit=1&search=status+eq+%22ACTIVE%22');
    const lastId = String(first.body[0]!.id);
    expect(first.links).toEqual([
      `<${sim().url}/api/v1/users?limit=1&search=status+eq+%22ACTIVE%22>; rel="self"`,
      `<${sim().url}/api/v1/users?after=${lastId}&limit=1&search=status+eq+%22ACTIVE%22>; rel="next"`,
    ]);
    const all = await okta('GET', '/api/v1/users?limit=200&search=status+eq+%22ACTIVE%22');
    expect(all.links).toHaveLength(1);
  });

  // oktakit.json[26]-[28] (Shopify/oktakit cassettes/pagination.yml @8aa89c6044, 2017): an app's users page with
  // `limit`, self and next links, each with `_embedded.user` under `expand=user` and an (empty) `profile`.
  it("an app's users are paged with self and next links", async () => {
    const app = sim()
      .org.apps()
      .find((candidate) => (sim().org.directory.apps.get(String(candidate.id))?.users.size ?? 0) > 1);
    const id = String(app?.id);
    const first = await okta<OktaJson[]>('GET', `/api/v1/apps/${id}/users?expand=user&limit=1`);
    expect(first.body).toHaveLength(1);
    expect(first.body[0]).toMatchObject({ profile: {}, _embedded: { user: { id: first.body[0]!.id } } });
    expect(first.links).toEqual([
      `<${sim().url}/api/v1/apps/${id}/users?limit=1&expand=user>; rel="self"`,
      `<${sim().url}/api/v1/apps/${id}/users?after=${String(first.body[0]!.id)}&limit=1&expand=user>; rel="next"`,
    ]);
    const second = await okta<OktaJson[]>('GET', `/api/v1/apps/${id}/users?after=${String(first.body[0]!.id)}&limit=1`);
    expect(second.body[0]!.id).not.toBe(first.body[0]!.id);
  });

  // okta-sdk-python.json[141] (test_event_hooks_it/TestEventHooksResource.test_list_event_hooks.yaml @f68509793a i=3) and
  // okta-sdk-python.json[11] (test_comprehensive_user_lifecycle.yaml @f68509793a i=13): the event hooks list and
  // appLinks have no Link header.
  it('the event hooks list and appLinks have no Link header', async () => {
    expect((await okta('GET', '/api/v1/eventHooks')).headers.get('link')).toBeNull();
    const user = String(sim().org.users()[1]?.id);
    expect((await okta('GET', `/api/v1/users/${user}/appLinks`)).headers.get('link')).toBeNull();
  });
});

describe('headers on every answer', () => {
  // terraform-provider-okta.json[39] (TestAccResourceOktaUserGroupMemberships_crud/classic-00.yaml @e59c130b0b i=14): a
  // membership PUT is 204 with no content type; okta-sdk-python.json[0] (test_comprehensive_user_lifecycle.yaml
  // @f68509793a i=0): answers carry `cache-control: no-cache, no-store`, `pragma: no-cache`, `expires: 0`.
  it('a membership PUT is 204 without a content type, with the no-cache headers', async () => {
    const group = await okta('POST', '/api/v1/groups', { profile: { name: `headers-${Date.now()}` } });
    const user = String(sim().org.users()[1]?.id);
    const answer = await okta('PUT', `/api/v1/groups/${String(group.body.id)}/users/${user}`);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('content-type')).toBeNull();
    expect(answer.headers.get('cache-control')).toBe('no-cache, no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    expect(answer.headers.get('expires')).toBe('0');
  });

  // okta-sdk-python.json[0] (test_comprehensive_user_lifecycle.yaml @f68509793a i=0): since 2025 the
  // X-Okta-Request-Id is 32 lower-case hex characters.
  it('carries an X-Okta-Request-Id of 32 lower-case hex characters', async () => {
    expect((await okta('GET', '/api/v1/users?limit=1')).headers.get('x-okta-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  // okta-sdk-python.json[154] (test_agent_pools_it/TestAgentPoolsResource.test_list_agent_pools_with_multiple_pool_types.yaml
  // @f68509793a i=1): a 429 is E0000047 with `x-rate-limit-remaining: 0` and no Retry-After; the reset is epoch seconds.
  it('a 429 is E0000047 with remaining 0, a reset in epoch seconds and no Retry-After', async () => {
    const fault = sim().control.addFault({ type: 'rate-limit', path: '^/api/v1/users$', count: 1 });
    const answer = await okta('GET', '/api/v1/users');
    expect(
      sim()
        .control.faults()
        .find((candidate) => candidate.id === fault.id)?.fired,
    ).toBe(1);
    expectOktaError(answer, 429, 'E0000047');
    expect(answer.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(answer.headers.get('x-rate-limit-reset')).toMatch(/^\d{10}$/);
    expect(answer.headers.get('retry-after')).toBeNull();
  });
});
