/**
 * The JSON Schemas of the events the connector puts on its bus (docs/CONTRACT.md §3): one System Log event, and one
 * part of a scheduled search's results. One source for the EventBridge Schema Registry of the construct's
 * `eventSchemas` option (so users can download code bindings) and for docs/schemas/ (`npm run docs`).
 *
 * Draft 4, the JSON Schema version the Schema Registry takes, and nothing a later draft reads differently. Each
 * schema describes the whole EventBridge event, as the registry's own schemas do, with the connector's `detail`.
 * Okta's LogEvent is open: the fields below are the ones Okta documents and sends, most of them nullable (Okta
 * sends `null` for what does not apply), and any other field passes unchanged.
 */
import { SEARCH_RESULTS_DETAIL_TYPE } from '../functions/lib/events/search-results.js';
import { MARK_FIELD } from '../functions/lib/events/event-format.js';

type Schema = Record<string, unknown>;

/** The registry's schema names: `<source>@<name>`, as EventBridge names the schemas it discovers. */
export const eventSchemaNames = { logEvent: 'OktaLogEvent', searchResults: 'OktaEventSearchResults' } as const;

const nullable = (type: string): Schema => ({ type: [type, 'null'] });
const text = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const openObject = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  ...(required.length > 0 ? { required } : {}),
  properties,
});
const nullableObject = (properties: Record<string, Schema>): Schema => ({
  ...openObject(properties),
  type: ['object', 'null'],
});

/** An actor or a target of a LogEvent. */
const logActor = nullableObject({
  id: text,
  type: text,
  alternateId: nullable('string'),
  displayName: nullable('string'),
  detailEntry: nullable('object'),
});

/** Okta's LogEvent: what Okta sends, every field kept. */
const logEvent: Schema = openObject(
  {
    uuid: { ...text, description: 'The event id; the connector publishes each once per connection.' },
    published: { ...time, description: 'When Okta recorded the event; also the EventBridge event time.' },
    eventType: { ...text, description: 'e.g. user.lifecycle.create; also the EventBridge detail-type.' },
    version: { type: ['string', 'integer'] },
    severity: { ...text, description: 'DEBUG, INFO, WARN or ERROR.' },
    displayMessage: nullable('string'),
    legacyEventType: nullable('string'),
    actor: logActor,
    client: nullableObject({
      ipAddress: nullable('string'),
      device: nullable('string'),
      zone: nullable('string'),
      id: nullable('string'),
      userAgent: nullable('object'),
      geographicalContext: nullable('object'),
    }),
    outcome: nullableObject({ result: text, reason: nullable('string') }),
    target: { type: ['array', 'null'], items: logActor },
    transaction: nullable('object'),
    debugContext: nullable('object'),
    authenticationContext: nullable('object'),
    securityContext: nullable('object'),
    request: nullable('object'),
  },
  ['uuid', 'published', 'eventType'],
);

/** The field the connector adds to every LogEvent it publishes. */
const connectorMark: Schema = {
  ...openObject(
    {
      connection: { ...text, description: 'The connection (Okta org) the event came from.' },
      trigger: { type: 'string', enum: ['event-hook', 'poll'] },
      receivedAt: time,
      replayed: { type: 'boolean', enum: [true], description: 'Present on events published again by a replay.' },
      trimmed: {
        type: 'array',
        items: text,
        description: 'The fields shortened to fit 256 KB; present only when one was.',
      },
    },
    ['connection', 'trigger', 'receivedAt'],
  ),
  additionalProperties: false,
};

/** A LogEvent as it appears inside search results, where the mark only says what was trimmed. */
const searchedEvent: Schema = {
  ...logEvent,
  properties: {
    ...(logEvent.properties as Record<string, Schema>),
    [MARK_FIELD]: openObject({ trimmed: { type: 'array', items: text } }),
  },
};

/** An EventBridge event of that source and detail type carrying `detail`. */
function eventEnvelope(title: string, source: string, detailType: Schema, detail: Schema): Schema {
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title,
    type: 'object',
    required: ['detail-type', 'source', 'time', 'detail'],
    properties: {
      version: text,
      id: text,
      'detail-type': detailType,
      source: { type: 'string', enum: [source] },
      account: text,
      time,
      region: text,
      resources: { type: 'array', items: text },
      detail,
    },
  };
}

/** The schemas of the events published with that `Source`, by schema name. */
export function eventSchemas(source = 'okta-connector'): Record<string, Schema> {
  return {
    [eventSchemaNames.logEvent]: eventEnvelope(
      'An Okta System Log event published by okta-connector',
      source,
      { ...text, description: "The LogEvent's eventType." },
      {
        ...logEvent,
        required: [...(logEvent.required as string[]), MARK_FIELD],
        properties: { ...(logEvent.properties as Record<string, Schema>), [MARK_FIELD]: connectorMark },
      },
    ),
    [eventSchemaNames.searchResults]: eventEnvelope(
      'One part of the results of an okta-connector scheduled search',
      source,
      { type: 'string', enum: [SEARCH_RESULTS_DETAIL_TYPE] },
      {
        type: 'object',
        required: ['connection', 'search', 'filter', 'q', 'since', 'until', 'count', 'events', 'part', 'parts'],
        properties: {
          connection: text,
          search: { ...text, description: "The search's name." },
          filter: nullable('string'),
          q: nullable('string'),
          since: { ...time, description: 'The window, inclusive.' },
          until: { ...time, description: 'The window, exclusive.' },
          count: { type: 'integer', minimum: 0, description: 'Events in the window, over all parts.' },
          events: { type: 'array', items: searchedEvent },
          part: { type: 'integer', minimum: 1 },
          parts: { type: 'integer', minimum: 1 },
        },
        additionalProperties: false,
      },
    ),
  };
}

/** The file of each schema in docs/schemas/. */
export function eventSchemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(eventSchemas()).map(([name, schema]) => [
      `docs/schemas/${name}.json`,
      `${JSON.stringify(schema, null, 2)}\n`,
    ]),
  );
}
