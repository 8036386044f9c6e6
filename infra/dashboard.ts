/**
 * The operator's dashboard: what came in (events published per trigger, hook deliveries accepted and refused), how
 * current it is (poller lag per connection), how close Okta's rate limits are (headroom per bucket), and how the
 * actions fare (calls and errors by type). Series whose dimension values are only known at run time (trigger,
 * bucket, action, errorType) are CloudWatch SEARCH expressions, so a new action or bucket appears without a deploy.
 */
import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ConnectorAlarms } from './alarms.js';
import { METRICS_NAMESPACE } from './connector-function.js';

export interface ConnectorDashboardProps {
  readonly pollerLagAlarmSeconds: number;
  readonly alarms: ConnectorAlarms;
}

const PERIOD = Duration.minutes(5);

/** Every series of one metric, split by its dimensions, as a SEARCH expression. */
function searchSeries(
  metricName: string,
  statistic: 'Sum' | 'Minimum' | 'Maximum',
  label: string,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}"', '${statistic}', ${PERIOD.toSeconds()})`,
    label,
    period: PERIOD,
    // The expression returns its own series; the map only names inputs, and there are none.
    usingMetrics: {},
  });
}

export class ConnectorDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ConnectorDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Unique per stack and construct: dashboards are account-wide per region, and two connectors must not share one.
      dashboardName: `${Stack.of(this).stackName}-${Names.uniqueResourceName(this, { maxLength: 120, allowedSpecialCharacters: '-_' })}`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Events published per trigger',
        left: [searchSeries('EventsPublished', 'Sum', '')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Poller lag (seconds) per connection',
        left: [searchSeries('PollerLagSeconds', 'Maximum', '')],
        leftAnnotations: [{ value: props.pollerLagAlarmSeconds, label: 'lag alarm threshold' }],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Event hook deliveries',
        left: [
          searchSeries('HookDeliveriesAccepted', 'Sum', 'accepted'),
          searchSeries('HookDeliveriesRefused', 'Sum', 'refused'),
          searchSeries('HookEventsRejected', 'Sum', 'events refused'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Okta rate-limit headroom per bucket (lowest)',
        left: [searchSeries('RateLimitHeadroom', 'Minimum', '')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Action calls',
        left: [searchSeries('ActionSucceeded', 'Sum', '')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Action errors by type',
        left: [searchSeries('ActionFailed', 'Sum', '')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms.all, width: 24 }),
    );
  }
}
