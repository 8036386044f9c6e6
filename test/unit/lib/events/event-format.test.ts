import { describe, expect, it } from 'vitest';
import {
  entrySize,
  MAX_ENTRY_BYTES,
  toEventEntry,
  type ConnectorMark,
  type LogEvent,
} from '../../../../functions/lib/events/event-format.js';
import { sampleEvents } from '../../../support/sample-log-events.js';
import type { OktaEventDetail } from '../../../../infra/catalog-types.js';

const mark: ConnectorMark = { connection: 'acme', trigger: 'poll', receivedAt: '2026-01-01T00:00:00.000Z' };
const target = { source: 'okta-connector', eventBusName: 'okta-bus' };

function bigEvent(bytes: number): LogEvent {
  return {
    uuid: 'e1',
    published: '2026-01-01T00:00:00.000Z',
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    debugContext: { debugData: { requestUri: '/login', huge: 'x'.repeat(bytes), other: 'y'.repeat(1000) } },
  };
}

/** An entry's Detail, with the sample's debug data these tests read. */
const detailOf = (entry: { Detail?: string }) =>
  JSON.parse(entry.Detail as string) as OktaEventDetail & { debugContext: { debugData: Record<string, unknown> } };

describe('toEventEntry', () => {
  it('sets Source, DetailType, Time and the bus as docs/CONTRACT.md §3 says', () => {
    const event = { uuid: 'u1', published: '2026-03-04T05:06:07.089Z', eventType: 'user.lifecycle.create' };
    const entry = toEventEntry(event, mark, target);
    expect(entry).toMatchObject({
      Source: 'okta-connector',
      DetailType: 'user.lifecycle.create',
      EventBusName: 'okta-bus',
    });
    expect(entry.Time?.toISOString()).toBe('2026-03-04T05:06:07.089Z');
  });

  it('adds exactly one field, "okta-connector", to the Detail', () => {
    const event = { uuid: 'u1', published: '2026-03-04T05:06:07.089Z', eventType: 'user.lifecycle.create' };
    const detail = detailOf(toEventEntry(event, mark, target));
    expect(detail).toEqual({ ...event, 'okta-connector': mark });
  });

  it.each(sampleEvents())('passes the real sample %s through unchanged', (_name, event) => {
    const detail = detailOf(toEventEntry(event, mark, target));
    const { 'okta-connector': added, ...rest } = detail;
    expect(rest).toEqual(event);
    expect(added).toEqual(mark);
  });

  it('keeps an entry over 256 KB under the limit by shortening its largest field', () => {
    const entry = toEventEntry(bigEvent(300_000), mark, target);
    expect(entrySize(entry)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    const detail = detailOf(entry);
    expect(detail['okta-connector'].trimmed).toEqual(['debugContext.debugData.huge']);
    expect(detail.debugContext.debugData.other).toBe('y'.repeat(1000));
    expect(detail.uuid).toBe('e1');
  });

  it('never shortens uuid, published or eventType', () => {
    const event = {
      ...bigEvent(10),
      eventType: 'x'.repeat(10),
      target: Array.from({ length: 400 }, (_, i) => ({ id: `${i}`, displayName: 'z'.repeat(1000) })),
    };
    const detail = detailOf(toEventEntry(event, mark, target));
    expect(detail.eventType).toBe('x'.repeat(10));
    expect(detail['okta-connector'].trimmed?.length).toBeGreaterThan(0);
  });

  it('fits an event made of many small fields by trimming several of them', () => {
    const event = {
      ...bigEvent(10),
      target: Array.from({ length: 400 }, (_, i) => ({ id: `${i}`, displayName: 'é'.repeat(500) })),
    };
    const entry = toEventEntry(event, mark, target);
    expect(entrySize(entry)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
  });

  it('fits an event whose size is in numbers rather than strings', () => {
    const event = {
      ...bigEvent(10),
      debugContext: { debugData: { numbers: Array.from({ length: 60_000 }, (_, i) => i) } },
    };
    const entry = toEventEntry(event, mark, target);
    expect(entrySize(entry)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(detailOf(entry)['okta-connector'].trimmed).toContain('debugContext.debugData.numbers');
  });
});

describe('entrySize', () => {
  it('counts 14 bytes for Time and the UTF-8 bytes of Source, DetailType, Detail and Resources, as AWS does', () => {
    const size = entrySize({
      Time: new Date(),
      Source: 'ab',
      DetailType: 'cd',
      Detail: '{"é":1}',
      Resources: ['r1'],
      EventBusName: 'ignored',
    });
    expect(size).toBe(14 + 2 + 2 + 8 + 2);
  });
});

describe('toEventEntry with many fields', () => {
  it('fits an event of 50,000 small strings quickly', () => {
    const event = {
      ...bigEvent(10),
      target: Array.from({ length: 50_000 }, (_, i) => ({ id: `id-${i}`, displayName: 'name-'.repeat(2) })),
    };
    const started = Date.now();
    const entry = toEventEntry(event, mark, target);
    expect(entrySize(entry)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
