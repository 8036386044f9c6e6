// Resource shapes as real Okta returns them: users, groups and event hooks, key by key (null versus absent). Each
// fact is stated here and cited from the recordings of real orgs (shared/real-okta/<file>[<index>], then the
// recorder's repository, cassette, commit and interaction).
import { describe, expect, it } from 'vitest';
import { newProfile, useSim, type OktaJson } from './real-okta-client.js';
import { match } from '../support/match.js';

const { sim, okta } = useSim({ seed: 'empty', rateLimits: false, deactivateAnswer: 'empty-object' });

const linkNames = (resource: { _links: object }): string[] => Object.keys(resource._links).sort();

describe('a user', () => {
  // okta-sdk-python.json[0] (okta/okta-sdk-python test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml
  // @f68509793a i=0): a STAGED user created with a password has statusChanged and passwordChanged set, activated
  // and lastLogin null; its credentials are `password: {}`, the primary email VERIFIED, and the provider; its
  // `_links` are activate, resetFactors, schema, self, type; secondEmail comes back null though not sent.
  it('created STAGED with a password has the recorded keys, nulls and links', async () => {
    const profile = newProfile({ mobilePhone: '+1-555-123-4567' });
    const created = await okta('POST', '/api/v1/users?activate=false', {
      profile,
      credentials: { password: { value: 'Sup3r-Secret-Pass!' } },
    });
    const user = created.body;
    expect(Object.keys(user).sort()).toEqual(
      [
        'id',
        'status',
        'created',
        'activated',
        'statusChanged',
        'lastLogin',
        'lastUpdated',
        'passwordChanged',
        'type',
        'profile',
        'credentials',
        '_links',
      ].sort(),
    );
    expect(user).toMatchObject({ status: 'STAGED', activated: null, lastLogin: null });
    expect(user.statusChanged).toEqual(user.created);
    expect(user.passwordChanged).toEqual(user.created);
    expect(user.profile).toEqual({ ...profile, secondEmail: null });
    expect(user.credentials).toEqual({
      password: {},
      emails: [{ value: profile.email, status: 'VERIFIED', type: 'PRIMARY' }],
      provider: { type: 'OKTA', name: 'OKTA' },
    });
    expect(linkNames(user)).toEqual(['activate', 'resetFactors', 'schema', 'self', 'type']);
  });

  // terraform-provider-okta.json[0] (okta/terraform-provider-okta TestAccResourceOktaUser_statusDeprovisioned/classic-00.yaml
  // @e59c130b0b i=0): sent `postalAddress: null` and no password value; the answer has no postalAddress,
  // mobilePhone and secondEmail null, statusChanged and passwordChanged null, and credentials with the provider only.
  it('created without a password drops null attributes and has the provider alone', async () => {
    const profile = newProfile();
    const created = await okta('POST', '/api/v1/users?activate=false', {
      profile: { ...profile, postalAddress: null },
      credentials: { password: {} },
    });
    expect(created.body.profile).toEqual({ ...profile, mobilePhone: null, secondEmail: null });
    expect(created.body).toMatchObject({ statusChanged: null, passwordChanged: null });
    expect(created.body.credentials).toEqual({ provider: { type: 'OKTA', name: 'OKTA' } });
  });

  // Facts §10.4 (_links by status, recorded 2025-26): okta-sdk-python.json[2] ACTIVE, [4] SUSPENDED
  // (test_comprehensive_user_lifecycle.yaml @f68509793a i=2, i=4); terraform-provider-okta.json[3] DEPROVISIONED
  // (TestAccResourceOktaUser_statusDeprovisioned/classic-00.yaml @e59c130b0b i=6) and [13] PROVISIONED
  // (TestAccResourceOktaUser_updateAllAttributes/classic-00.yaml @e59c130b0b i=6).
  it.each([
    [
      'ACTIVE',
      [
        'changePassword',
        'changeRecoveryQuestion',
        'deactivate',
        'expirePassword',
        'forgotPassword',
        'resetFactors',
        'resetPassword',
        'schema',
        'self',
        'suspend',
        'type',
      ],
    ],
    ['SUSPENDED', ['deactivate', 'resetFactors', 'schema', 'self', 'type', 'unsuspend']],
    ['DEPROVISIONED', ['activate', 'delete', 'resetFactors', 'schema', 'self', 'type']],
    ['PROVISIONED', ['deactivate', 'reactivate', 'resetFactors', 'resetPassword', 'schema', 'self', 'suspend', 'type']],
  ] as const)('a single GET of a %s user carries the recorded links', async (status, links) => {
    const created = await okta('POST', '/api/v1/users?activate=false', { profile: newProfile() });
    sim().control.setUserStatus(String(created.body.id), status);
    const user = await okta('GET', `/api/v1/users/${String(created.body.id)}`);
    expect(linkNames(user.body)).toEqual(links);
  });

  // Facts §10.4: 654 of 654 recorded resource timestamps end in `.000Z`; terraform-provider-okta.json[1]
  // (TestAccResourceOktaUser_statusDeprovisioned/classic-00.yaml @e59c130b0b i=1): a single GET has a weak ETag.
  it('has timestamps to the second and a weak ETag on a single GET', async () => {
    sim().clock.set(Date.parse('2026-03-01T10:00:00.789Z'));
    const created = await okta('POST', '/api/v1/users?activate=true', {
      profile: newProfile(),
      credentials: { password: { value: 'Sup3r-Secret-Pass!' } },
    });
    expect(created.body.created).toBe('2026-03-01T10:00:00.000Z');
    const fetched = await okta('GET', `/api/v1/users/${String(created.body.id)}`);
    expect(fetched.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{64}"$/);
  });

  // terraform-provider-okta.json[139] (TestAccResourceOktaUser_updateCredentials/classic-00.yaml @89909a8b19 i=6): a PUT
  // of credentials alone is 200 and keeps the profile.
  it('PUT with credentials alone answers 200 and keeps the profile', async () => {
    const profile = newProfile();
    const created = await okta('POST', '/api/v1/users?activate=true', {
      profile,
      credentials: { password: { value: 'Sup3r-Secret-Pass!' } },
    });
    const replaced = await okta('PUT', `/api/v1/users/${String(created.body.id)}`, {
      credentials: { password: { value: 'An0ther-Secret-Pass!' } },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.profile).toMatchObject(profile);
  });

  // okta-sdk-python.json[9] (test_comprehensive_user_lifecycle.yaml @f68509793a i=10): in a list each user carries
  // `_links.self` only.
  it('in a list carries only the self link', async () => {
    const list = await okta<OktaJson[]>('GET', '/api/v1/users?limit=10');
    expect(list.body.length).toBeGreaterThan(0);
    for (const user of list.body) expect(linkNames(user)).toEqual(['self']);
  });
});

describe('a group', () => {
  // okta-sdk-python.json[92] (okta/okta-sdk-python test_groups_it/TestGroupsResource.test_create_get_group.yaml
  // @f68509793a i=0): a created group's keys are id, created, lastUpdated, lastMembershipUpdated, objectClass
  // ["okta:user_group"], type, profile {name, description: null}, _links with a logo array (medium, large).
  it('has the recorded keys in order and a logo array', async () => {
    const created = await okta('POST', '/api/v1/groups', { profile: { name: `shape-${Date.now()}` } });
    expect(Object.keys(created.body)).toEqual([
      'id',
      'created',
      'lastUpdated',
      'lastMembershipUpdated',
      'objectClass',
      'type',
      'profile',
      '_links',
    ]);
    expect(created.body).toMatchObject({ objectClass: ['okta:user_group'], type: 'OKTA_GROUP' });
    expect(created.body.profile).toEqual({ name: created.body.profile.name, description: null });
    expect(created.body._links.logo).toEqual([
      match.objectContaining({ name: 'medium', type: 'image/png' }),
      match.objectContaining({ name: 'large', type: 'image/png' }),
    ]);
  });

  // terraform-provider-okta.json[132], [134], [135] (TestAccResourceOktaGroup_crud/classic-00.yaml @e801ae1a02 i=5, 8, 9):
  // PUT replaces the profile (200 with the group), DELETE is 204 with no content type, and GET is then 404
  // E0000007 "(UserGroup)".
  it('is replaced by PUT, deleted by DELETE, and then not found', async () => {
    const created = await okta('POST', '/api/v1/groups', { profile: { name: `crud-${Date.now()}` } });
    const id = String(created.body.id);
    const profile = { name: `crud-renamed-${Date.now()}`, description: 'testing, testing' };
    const replaced = await okta('PUT', `/api/v1/groups/${id}`, { profile });
    expect(replaced.status).toBe(200);
    expect(replaced.body.profile).toEqual(profile);
    const deleted = await okta('DELETE', `/api/v1/groups/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('content-type')).toBeNull();
    const gone = await okta('GET', `/api/v1/groups/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errorSummary).toBe(`Not found: Resource not found: ${id} (UserGroup)`);
  });

  // okta-sdk-python.json[10] (test_comprehensive_user_lifecycle.yaml @f68509793a i=12): a user's groups list the BUILT_IN
  // Everyone group first.
  it("lists Everyone first among a user's groups", async () => {
    const group = await okta('POST', '/api/v1/groups', { profile: { name: `member-${Date.now()}` } });
    const user = await okta('POST', '/api/v1/users?activate=false', { profile: newProfile() });
    await okta('PUT', `/api/v1/groups/${String(group.body.id)}/users/${String(user.body.id)}`);
    const groups = await okta<OktaJson[]>('GET', `/api/v1/users/${String(user.body.id)}/groups`);
    expect(groups.body.map((g) => g.profile.name)).toEqual(['Everyone', group.body.profile.name]);
  });
});

describe('an event hook', () => {
  const hookBody = (status?: string) => ({
    name: `hook-${Date.now()}`,
    ...(status ? { status } : {}),
    events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: 'https://hooks.example.com/okta',
        authScheme: { type: 'HEADER', key: 'Authorization', value: 's' },
      },
    },
  });

  // terraform-provider-okta.json[21] (TestAccResourceOktaEventHookVerification_crud/classic-00.yaml @e59c130b0b i=0): create
  // is 200 UNVERIFIED without `authScheme.value`, with `headers: []`, `method: "POST"`, `filter: null`,
  // `description: null` and `createdBy`; links self, verify, deactivate with `hints.allow`.
  it('is created as recorded', async () => {
    const created = await okta('POST', '/api/v1/eventHooks', hookBody());
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      status: 'ACTIVE',
      verificationStatus: 'UNVERIFIED',
      description: null,
      createdBy: match.any(String),
      events: { filter: null },
      channel: {
        config: { headers: [], method: 'POST', authScheme: { type: 'HEADER', key: 'Authorization' } },
      },
    });
    expect(created.body.channel.config.authScheme).not.toHaveProperty('value');
    expect(Object.keys(created.body._links)).toEqual(['self', 'verify', 'deactivate']);
    expect(created.body._links.verify?.hints).toEqual({ allow: ['POST'] });
  });

  // terraform-provider-okta.json[100], [102], [104] (TestAccResourceOktaEventHook_crud/classic-00.yaml @89909a8b19 i=5, 10,
  // 14): a PUT with status INACTIVE or ACTIVE sets it; an INACTIVE hook's links are activate, self, delete;
  // [27], [28] (TestAccResourceOktaEventHookVerification_crud @e59c130b0b i=15, 16): deactivate is 200 with the
  // hook, DELETE 204 with no content type; okta-sdk-python.json[131] (test_event_hooks_it/TestEventHooksResource.
  // test_delete_event_hook.yaml @f68509793a i=4): GET afterwards is 404 "(Webhook)".
  it('takes its status from a PUT, and after deactivate offers delete; then it is a Webhook not found', async () => {
    const created = await okta('POST', '/api/v1/eventHooks', hookBody());
    const id = String(created.body.id);
    const inactive = await okta('PUT', `/api/v1/eventHooks/${id}`, hookBody('INACTIVE'));
    expect(inactive.body.status).toBe('INACTIVE');
    expect(Object.keys(inactive.body._links)).toEqual(['activate', 'self', 'delete']);
    const active = await okta('PUT', `/api/v1/eventHooks/${id}`, hookBody('ACTIVE'));
    expect(active.body.status).toBe('ACTIVE');
    const deactivated = await okta('POST', `/api/v1/eventHooks/${id}/lifecycle/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(Object.keys(deactivated.body._links)).toEqual(['activate', 'self', 'delete']);
    expect(deactivated.body._links.delete?.hints).toEqual({ allow: ['DELETE'] });
    const deleted = await okta('DELETE', `/api/v1/eventHooks/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('content-type')).toBeNull();
    const gone = await okta('GET', `/api/v1/eventHooks/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errorSummary).toBe(`Not found: Resource not found: ${id} (Webhook)`);
  });
});
