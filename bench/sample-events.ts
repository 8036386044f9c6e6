/**
 * Real-sized System Log events: copies of Okta's own samples (local/okta-sim/reference/samples, 0.8 to 3.6 KB each)
 * with a fresh `uuid` and `published`, so a batch of them weighs what a batch from Okta weighs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const SAMPLES = 'local/okta-sim/reference/samples';
const templateFiles = [
  'from-openapi-spec/systemlog-ListLogs.json',
  'from-openapi-spec/systemlog-ListLogsWithAdditionalSecurityContext.json',
  'from-okta-developer-docs/systemlog-core.concurrency.org.limit.violation.json',
  'from-okta-developer-docs/systemlog-ratelimit-example-0-system.operation.rate_limit.violation.json',
  'from-okta-developer-docs/systemlog-ratelimit-example-1-system.operation.rate_limit.violation.json',
  'from-okta-developer-docs/event-hook-delivery-user.session.start.json',
];

export type SampleEvent = Record<string, unknown> & { uuid: string; published: string; eventType: string };

/** The sample events, one per template file (an event hook delivery contributes its first event). */
export function eventTemplates(root = '.'): Record<string, unknown>[] {
  return templateFiles.map((file) => {
    const parsed = JSON.parse(readFileSync(resolve(root, SAMPLES, file), 'utf8')) as unknown;
    if (Array.isArray(parsed)) return parsed[0] as Record<string, unknown>;
    const delivery = parsed as { data?: { events?: Record<string, unknown>[] } };
    return delivery.data?.events?.[0] ?? (parsed as Record<string, unknown>);
  });
}

/** `count` events cycling through the templates, each with a new uuid and `published` at `publishedAt`. */
export function realSizedEvents(
  count: number,
  templates: Record<string, unknown>[],
  publishedAt = Date.now(),
): SampleEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    ...(templates[i % templates.length] as Record<string, unknown>),
    uuid: randomUUID(),
    published: new Date(publishedAt).toISOString(),
    eventType: String((templates[i % templates.length] as { eventType?: string }).eventType ?? 'user.session.start'),
    version: '0',
  }));
}

/**
 * An Okta event hook delivery of `events` (EH "Sample event delivery payload"), from the org at `orgUrl`: the hook
 * refuses a delivery whose `source` is not on its connection's host. The bench's environment passes its org to the
 * probes as `BENCH_HOOK_ORG_URL`.
 */
export function hookDelivery(
  events: SampleEvent[],
  orgUrl = process.env.BENCH_HOOK_ORG_URL ?? 'https://bench.okta.com',
): string {
  return JSON.stringify({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: `${orgUrl}/api/v1/eventHooks/whoeventhookbench`,
    eventId: randomUUID(),
    eventTime: new Date().toISOString(),
    contentType: 'application/json',
    data: { events },
  });
}
