import { describe, expect, it } from 'vitest';
import {
  checkDelivery,
  MAX_DELIVERY_BYTES,
  MAX_EVENTS_PER_DELIVERY,
  parseWithoutPrototypeKeys,
  type DeliveryExpectations,
} from '../../../../functions/lib/events/delivery-check.js';
import { match } from '../../../support/match.js';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const expected: DeliveryExpectations = { orgUrl: 'https://acme.okta.com', now: NOW, maxAgeMs: 7 * 86_400_000 };
// The shape of a real System Log event (real-okta/system-log-samples.json: version 1 uuids, ms timestamps).
const event = (overrides: Record<string, unknown> = {}) => ({
  uuid: 'faf7398a-4f77-11ea-97fb-5925e98228bd',
  published: '2026-12-04T11:59:58.123Z',
  eventType: 'user.session.start',
  version: '0',
  ...overrides,
});
// EH's envelope (okta-reference OKTA-API-FACTS §6, "Delivery").
const envelope = (events: unknown[], overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: 'https://acme.okta.com/api/v1/eventHooks/who7hphp39JoHLni81d7',
    eventId: '85b60edb-4263-4e13-993b-818e26201052',
    data: { events },
    ...overrides,
  });

function reasons(text: string, options: Partial<DeliveryExpectations> = {}): string[] {
  const checked = checkDelivery(text, { ...expected, ...options });
  if (!checked.ok) throw new Error(`refused whole: ${checked.reason}`);
  return checked.rejected.map((r) => r.reason);
}

describe('checkDelivery: the envelope', () => {
  it('accepts the delivery Okta documents, with its events unchanged', () => {
    const checked = checkDelivery(envelope([event()]), expected);
    expect(checked).toEqual({
      ok: true,
      events: [event()],
      rejected: [],
      eventId: '85b60edb-4263-4e13-993b-818e26201052',
    });
  });

  it.each([
    ['another eventType', envelope([event()], { eventType: 'com.okta.inline_hook' }), /com\.okta\.event_hook/],
    ['no source', envelope([event()], { source: undefined }), /no source/],
    ['a source that is not a URL', envelope([event()], { source: 'acme' }), /not a URL/],
    ['another org', envelope([event()], { source: 'https://evil.okta.com/api/v1/eventHooks/who1' }), /org/],
    ['a look-alike host', envelope([event()], { source: 'https://acme.okta.com.evil.io/api/v1/eventHooks/w1' }), /org/],
    ['a source that is not a hook', envelope([event()], { source: 'https://acme.okta.com/api/v1/users' }), /hook/],
    ['no data.events', envelope([], { data: {} }), /data\.events/],
    ['an array body', '[]', /object/],
    ['not JSON', '{"data":', /not JSON/],
  ])('refuses %s with 400', (_title, text, reason) => {
    const checked = checkDelivery(text, expected);
    expect(checked).toMatchObject({ ok: false, status: 400 });
    expect(!checked.ok && checked.reason).toMatch(reason);
  });

  it('refuses a delivery from another hook of the org when the connection names its hook', () => {
    const text = envelope([event()], { source: 'https://acme.okta.com/api/v1/eventHooks/whoOther' });
    expect(checkDelivery(text, { ...expected, hookId: 'who7hphp39JoHLni81d7' })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(checkDelivery(envelope([event()]), { ...expected, hookId: 'who7hphp39JoHLni81d7' })).toMatchObject({
      ok: true,
    });
  });

  it(`refuses more than ${MAX_EVENTS_PER_DELIVERY} events, or a body over ${MAX_DELIVERY_BYTES} bytes, with 413`, () => {
    const many = Array.from({ length: MAX_EVENTS_PER_DELIVERY + 1 }, () => event());
    expect(checkDelivery(envelope(many), expected)).toMatchObject({ ok: false, status: 413 });
    const padded = envelope([event()], { padding: 'x'.repeat(MAX_DELIVERY_BYTES) });
    expect(checkDelivery(padded, expected)).toMatchObject({ ok: false, status: 413 });
  });
});

describe('checkDelivery: each event', () => {
  it.each([
    ['a detail type longer than EventBridge allows', { eventType: `user.${'a'.repeat(124)}` }, /at most 128/],
    ["the connector's own search results", { eventType: 'Okta Event Search Results' }, /reserved/],
    ['an aws.* detail type', { eventType: 'aws.signin.console' }, /reserved/],
    ['a detail type with spaces', { eventType: 'User Session Start' }, /Okta event type/],
    ['an empty event type', { eventType: '' }, /Okta event type/],
    ['a uuid that is not one', { uuid: 'u1' }, /UUID/],
    ['no uuid', { uuid: undefined }, /UUID/],
    ['published in 2099', { published: '2099-01-01T00:00:00.000Z' }, /future/],
    ['published before the dedupe window', { published: '2026-11-26T00:00:00.000Z' }, /dedupe window/],
    ['published without a zone', { published: '2026-12-04T11:59:58' }, /ISO 8601/],
    ['published as a number', { published: NOW }, /ISO 8601/],
    ['an event over 200 KB', { displayMessage: 'x'.repeat(210 * 1024) }, /bytes/],
  ])('leaves out %s and reports it', (_title, overrides, reason) => {
    expect(reasons(envelope([event(overrides)]))).toEqual([match.stringMatching(reason)]);
  });

  it('accepts published a little ahead of this clock (5 minutes of skew)', () => {
    expect(reasons(envelope([event({ published: '2026-12-04T12:04:00.000Z' })]))).toEqual([]);
  });

  it('publishes the valid events of a delivery and reports the others by index and uuid', () => {
    const bad = event({ uuid: '3aeede38-4f67-11ea-abd3-1f5d113f2546', eventType: 'Okta Event Search Results' });
    const checked = checkDelivery(envelope([event(), bad, 'x']), expected);
    expect(checked).toMatchObject({
      ok: true,
      events: [event()],
      rejected: [
        { index: 1, uuid: '3aeede38-4f67-11ea-abd3-1f5d113f2546', reason: 'eventType is reserved' },
        { index: 2, reason: 'not an object' },
      ],
    });
  });

  it('drops __proto__, constructor and prototype keys at any depth', () => {
    const text = `{"a":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"b":[{"prototype":1,"c":2}]}}`;
    const parsed = parseWithoutPrototypeKeys(text) as { a: Record<string, unknown> };
    expect(parsed).toEqual({ a: { b: [{ c: 2 }] } });
    expect(Object.hasOwn(parsed.a, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const checked = checkDelivery(
      envelope([{ ...event(), __proto__x: 1 }]).replace('"__proto__x"', '"__proto__"'),
      expected,
    );
    expect(checked.ok && Object.hasOwn(checked.events[0]!, '__proto__')).toBe(false);
  });

  it('drops those keys when they are spelled with \\u escapes', () => {
    const text = String.raw`{"a":{"\u005f_proto__":{"polluted":true},"constr\u0075ctor":1,"b":"\u00e9"}}`;
    expect(parseWithoutPrototypeKeys(text)).toEqual({ a: { b: 'é' } });
  });

  it('parses text that cannot hold those keys exactly as JSON.parse does', () => {
    const text = JSON.stringify({ data: { events: [event(), { nested: [1, 'two', { three: null }] }] } });
    expect(parseWithoutPrototypeKeys(text)).toEqual(JSON.parse(text));
  });
});
