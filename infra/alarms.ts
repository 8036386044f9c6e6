/**
 * The alarms an operator needs: the event hook failing, each connection's poller falling behind (or not reporting at
 * all), the poller and the searches failing, and anything landing in the dead-letter queue. They have no actions:
 * `alarms` is exposed so a deployment can route them to its own SNS topic or incident tool.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE_NAME } from './connector-function.js';

export interface ConnectorAlarmsProps {
  readonly eventHook: lambda.IFunction;
  readonly poller: lambda.IFunction;
  readonly search?: lambda.IFunction;
  readonly connections: readonly string[];
  readonly pollerLagAlarmSeconds: number;
  readonly deadLetters: sqs.IQueue;
}

/** The `PollerLagSeconds` metric of one connection (seconds between now and the newest event published). */
export function pollerLagMetric(connection: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: 'PollerLagSeconds',
    // Powertools Metrics adds the `service` dimension to every metric it emits.
    dimensionsMap: { service: METRICS_SERVICE_NAME, connection },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(1),
  });
}

export class ConnectorAlarms extends Construct {
  readonly all: cloudwatch.Alarm[] = [];
  readonly pollerLag = new Map<string, cloudwatch.Alarm>();

  constructor(scope: Construct, id: string, props: ConnectorAlarmsProps) {
    super(scope, id);
    this.errors(
      'EventHookErrors',
      props.eventHook,
      'The Okta event hook function failed; Okta retries once, then drops the delivery',
    );
    // A throttled delivery is answered 429, which Okta does not retry; the poller still picks the events up.
    this.all.push(
      new cloudwatch.Alarm(this, 'EventHookThrottles', {
        alarmDescription:
          'Okta event hook deliveries were throttled by the reserved concurrency; raise eventHookConcurrency',
        metric: props.eventHook.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    this.errors('PollerErrors', props.poller, 'The System Log poller failed');
    if (props.search) this.errors('SearchErrors', props.search, 'A scheduled System Log search failed');

    for (const connection of props.connections) {
      const alarm = new cloudwatch.Alarm(this, `PollerLag-${connection}`, {
        alarmDescription: `Connection ${connection}: the poller is more than ${props.pollerLagAlarmSeconds} s behind the System Log, or reports nothing`,
        metric: pollerLagMetric(connection),
        threshold: props.pollerLagAlarmSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // A poller that stopped reporting is as bad as one that is behind.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.pollerLag.set(connection, alarm);
      this.all.push(alarm);
    }

    this.all.push(
      new cloudwatch.Alarm(this, 'DeadLetters', {
        alarmDescription:
          'A scheduled trigger or an asynchronous invocation failed every retry; see the dead-letter queue',
        metric: props.deadLetters.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  private errors(id: string, fn: lambda.IFunction, description: string): void {
    this.all.push(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
