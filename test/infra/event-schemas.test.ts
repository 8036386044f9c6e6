import { readFileSync } from 'node:fs';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { toEventEntry, type ConnectorMark, type LogEvent } from '../../functions/lib/events/event-format.js';
import { searchResultEntries } from '../../functions/lib/events/search-results.js';
import { eventSchemaFiles, eventSchemaNames, eventSchemas } from '../../infra/event-schemas.js';
import { sampleEvents } from '../support/sample-log-events.js';
import { synthesizeConstruct } from './synth-template.js';

/** A validator of one schema. Ajv knows no draft 4 by name; the schemas use nothing draft 4 reads differently. */
function validatorOf(name: string) {
  const { $schema, ...schema } = eventSchemas('okta-connector')[name]!;
  expect($schema).toBe('http://json-schema.org/draft-04/schema#');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** The event EventBridge delivers to a rule's target for one PutEvents entry. */
function delivered(entry: PutEventsRequestEntry): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: '123456789012',
    time: (entry.Time ?? new Date()).toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: JSON.parse(entry.Detail!) as unknown,
  };
}

const target = { source: 'okta-connector', eventBusName: 'okta-bus' };
const mark: ConnectorMark = { connection: 'acme', trigger: 'event-hook', receivedAt: '2026-01-01T00:00:00.000Z' };

describe('the event schemas', () => {
  const logEvent = validatorOf(eventSchemaNames.logEvent);
  const searchResults = validatorOf(eventSchemaNames.searchResults);

  it('are the files in docs/schemas/, which are up to date (npm run docs)', () => {
    for (const [file, content] of Object.entries(eventSchemaFiles())) {
      expect(
        readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'),
        `${file} is stale: run npm run docs`,
      ).toBe(content);
    }
  });

  it('accept every real Okta LogEvent of the samples as the connector publishes it', () => {
    const samples = sampleEvents();
    expect(samples.length).toBeGreaterThan(10);
    for (const [label, event] of samples) {
      const deliveredEvent = delivered(toEventEntry(event, mark, target));
      expect({ label, valid: logEvent(deliveredEvent), errors: logEvent.errors ?? null }).toEqual({
        label,
        valid: true,
        errors: null,
      });
    }
  });

  it('accept a replayed event and a trimmed one', () => {
    const [, event] = sampleEvents()[0]!;
    const replayed = delivered(toEventEntry(event, { ...mark, trigger: 'poll', replayed: true }, target));
    expect(logEvent(replayed)).toBe(true);
    const big: LogEvent = { ...event, debugContext: { debugData: { requestUri: 'x'.repeat(300_000) } } };
    const trimmed = delivered(toEventEntry(big, mark, target));
    expect((trimmed.detail as { 'okta-connector': ConnectorMark })['okta-connector'].trimmed).toBeDefined();
    expect(logEvent(trimmed)).toBe(true);
  });

  it("refuse an event without the connector's mark, or with a trigger it never sets", () => {
    const [, event] = sampleEvents()[0]!;
    const entry = delivered(toEventEntry(event, mark, target));
    const detail = entry.detail as Record<string, unknown>;
    const { 'okta-connector': _mark, ...unmarked } = detail;
    expect(logEvent({ ...entry, detail: unmarked })).toBe(false);
    expect(logEvent({ ...entry, detail: { ...detail, 'okta-connector': { ...mark, trigger: 'webhook' } } })).toBe(
      false,
    );
    expect(logEvent({ ...entry, source: 'somebody-else' })).toBe(false);
  });

  it('accept every part of a search result split under 256 KB, and refuse a part without its count', () => {
    const events = sampleEvents().map(([, event]) => ({ ...event, filler: 'y'.repeat(30_000) }));
    const header = {
      connection: 'acme',
      search: 'failed-sign-ins',
      filter: 'outcome.result eq "FAILURE"',
      q: null,
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-01-01T00:15:00.000Z',
    };
    const entries = searchResultEntries(header, events, target, new Date('2026-01-01T00:17:00.000Z'));
    expect(entries.length).toBeGreaterThan(1);
    for (const entry of entries) {
      expect({ valid: searchResults(delivered(entry)), errors: searchResults.errors ?? null }).toEqual({
        valid: true,
        errors: null,
      });
    }
    const part = delivered(entries[0]!);
    const { count: _count, ...withoutCount } = part.detail as Record<string, unknown>;
    expect(searchResults({ ...part, detail: withoutCount })).toBe(false);
  });
});

describe('the eventSchemas option', () => {
  it('adds a Schema Registry with both schemas, named <source>@<name>, in JSON Schema draft 4', () => {
    const { template } = synthesizeConstruct(() => ({ eventSchemas: true, eventSource: 'acme.okta' }));
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema')).map(
      (resource) => (resource as { Properties: { SchemaName: string; Type: string; Content: string } }).Properties,
    );
    expect(schemas.map((schema) => schema.SchemaName).sort()).toEqual([
      'acme.okta@OktaEventSearchResults',
      'acme.okta@OktaLogEvent',
    ]);
    for (const schema of schemas) {
      expect(schema.Type).toBe('JSONSchemaDraft4');
      const content = JSON.parse(schema.Content) as { properties: { source: { enum: string[] } } };
      expect(content.properties.source.enum).toEqual(['acme.okta']);
    }
  });

  it('adds no registry by default', () => {
    const { template } = synthesizeConstruct(() => ({}));
    template.resourceCountIs('AWS::EventSchemas::Registry', 0);
    template.resourceCountIs('AWS::EventSchemas::Schema', 0);
  });
});
