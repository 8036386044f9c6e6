/**
 * Measurement 4, event hook ingest: one warm event hook function (one Lambda instance) taking deliveries of 100
 * real-sized events, authenticated, deduplicated in dynalite and published to the local EventBridge endpoint.
 * There is no SDK peer: `@okta/okta-sdk-nodejs` has no event hook receiver.
 */
import type { BenchContext } from '../bench-context.js';
import { awsCalls, callsPer1000Events, costNote, monthlyCost } from '../aws-cost.js';
import { runProbe } from '../child-process.js';
import type { EventHookIngestResult } from '../probes/event-hook-ingest.js';
import { cell, megabytes, type MeasurementResult } from '../report.js';
import { percentile, round } from '../statistics.js';

export const EVENTS_PER_DELIVERY = 100;

export async function measureEventHookIngest(ctx: BenchContext): Promise<MeasurementResult> {
  const bundle = await ctx.connectorBundle('event-hook');
  if (!bundle) {
    return {
      id: 'event-hook',
      title: '4. Event hook ingest',
      status: 'missing',
      notes: ['functions/triggers/event-hook.ts does not exist yet, not measured'],
      figures: {},
    };
  }
  await ctx.mainSim();
  const deliveries = ctx.quick ? 50 : 200;
  const before = ctx.env.aws.eventBridge.entries().length;
  const callsBefore = awsCalls(ctx.env.aws);
  const { result } = await runProbe<EventHookIngestResult>(
    await ctx.probe('eventHookIngest'),
    {
      bundle: bundle.file,
      authorization: ctx.env.hookSecret,
      eventsPerDelivery: EVENTS_PER_DELIVERY,
      warmup: 5,
      deliveries,
      repoRoot: ctx.repoRoot,
    },
    ctx.env.functionEnv(),
    300_000,
  );
  const onBus = ctx.env.aws.eventBridge.entries().length - before;
  const perThousand = onBus > 0 ? callsPer1000Events(callsBefore, awsCalls(ctx.env.aws), onBus) : undefined;
  const cost = perThousand && monthlyCost(perThousand);
  const totalMs = result.answerMs.reduce((sum, ms) => sum + ms, 0);
  const figures = {
    deliveries,
    eventsPerDelivery: EVENTS_PER_DELIVERY,
    deliveryBytes: result.bodyBytes,
    p50Ms: round(percentile(result.answerMs, 50)),
    p99Ms: round(percentile(result.answerMs, 99)),
    maxMs: round(Math.max(...result.answerMs)),
    eventsPerSecond: round((deliveries * EVENTS_PER_DELIVERY) / (totalMs / 1000), 0),
    refused: result.refused,
    entriesOnBus: onBus,
    peakRssMB: round(megabytes(result.peakRssBytes) ?? Number.NaN),
    ...(perThousand && cost ? { awsCallsPer1000Events: perThousand, monthlyCost: cost } : {}),
  };
  const notes = [
    `${deliveries} deliveries of ${EVENTS_PER_DELIVERY} events (${Math.round(result.bodyBytes / 1024)} KB each) after 5 of warm-up, one at a time; dedupe in dynalite, PutEvents to the local endpoint`,
  ];
  if (perThousand && cost)
    notes.push(
      costNote(`event-hook (${EVENTS_PER_DELIVERY}-event deliveries, published by the hook)`, perThousand, cost),
    );
  const expected = (deliveries + 5) * EVENTS_PER_DELIVERY;
  if (result.refused > 0)
    notes.push(`${result.refused} deliveries were not answered 2xx: ${result.firstRefusal ?? ''}`);
  if (onBus !== expected) notes.push(`${onBus} entries reached the local bus, ${expected} were expected`);
  return {
    id: 'event-hook',
    title: `4. Event hook ingest (${EVENTS_PER_DELIVERY}-event deliveries)`,
    status: result.refused === 0 ? 'measured' : 'partial',
    notes,
    table: {
      columns: ['', 'p50 ms', 'p99 ms', 'max ms', 'events/s per instance', 'peak RSS MB'],
      rows: [
        [
          'event-hook',
          cell(figures.p50Ms),
          cell(figures.p99Ms),
          cell(figures.maxMs),
          cell(figures.eventsPerSecond, 0),
          cell(figures.peakRssMB),
        ],
      ],
    },
    figures,
  };
}
