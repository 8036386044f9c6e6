import { describe, expect, it } from 'vitest';
import { betaEventHookTypes, eventHookTypes } from '../../../../functions/lib/hooks/event-hook-types.js';
import { MAX_EVENT_TYPES_PER_HOOK, resolveEventTypes } from '../../../../functions/lib/hooks/event-hooks.js';

describe('the eligible event types (generated from Okta’s Event Types catalogue, event-hook-eligible tag)', () => {
  it('are sorted, unique, and the beta ones apart', () => {
    expect([...eventHookTypes]).toEqual([...new Set(eventHookTypes)].sort());
    expect(betaEventHookTypes.filter((type) => (eventHookTypes as readonly string[]).includes(type))).toEqual([]);
  });

  it('fit in one hook as all-eligible: at most the 300 types Okta allows per hook (EH)', () => {
    expect(eventHookTypes.length).toBeLessThanOrEqual(MAX_EVENT_TYPES_PER_HOOK);
    expect(resolveEventTypes('all-eligible')).toEqual([...eventHookTypes]);
  });
});

describe('resolveEventTypes', () => {
  it('takes a comma-separated list of eligible types, beta ones too, without duplicates', () => {
    expect(resolveEventTypes('user.lifecycle.create, user.session.start,user.lifecycle.create')).toEqual([
      'user.lifecycle.create',
      'user.session.start',
    ]);
    expect(resolveEventTypes([betaEventHookTypes[0]])).toEqual([betaEventHookTypes[0]]);
  });

  it.each([
    ['a type outside the catalogue', 'user.made.up', /user\.made\.up/],
    [
      'a System Log type Okta does not allow in hooks',
      'user.account.expire_password',
      /user\.account\.expire_password/,
    ],
    ['nothing', ' ', /name the event types/],
    ['all-eligible among others', 'all-eligible,user.session.start', /all-eligible/],
  ])('refuses %s, naming it', (_case, types, message) => {
    expect(() => resolveEventTypes(types)).toThrow(message);
  });

  it('refuses more types than Okta allows per hook', () => {
    const everything = [...eventHookTypes, ...betaEventHookTypes];
    expect(() => resolveEventTypes(everything)).toThrow(/at most 300 per hook/);
  });
});
