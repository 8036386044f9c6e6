/**
 * The schedules that drive the triggers, on EventBridge Scheduler: one per connection for the System Log poller
 * (payload `{connection}`) and one per scheduled search (payload `{connection, search}`). Scheduler, not Events rules,
 * because each schedule carries its own payload, retry policy and dead-letter queue, and needs no bus.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SearchSetting } from './okta-connector-props.js';

export interface TriggerSchedulesProps {
  readonly poller: lambda.IFunction;
  readonly search?: lambda.IFunction;
  readonly connections: readonly string[];
  readonly pollSchedule: string;
  readonly searches: readonly SearchSetting[];
  /** Where an invocation Scheduler could not deliver goes. */
  readonly deadLetters: sqs.IQueue;
}

// A poll missed for longer than this is pointless to deliver: the next one reads from the same cursor.
const POLL_MAX_EVENT_AGE_SECONDS = 300;
const SEARCH_MAX_EVENT_AGE_SECONDS = 3600;

export class TriggerSchedules extends Construct {
  readonly schedules: scheduler.CfnSchedule[] = [];
  private readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TriggerSchedulesProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      // Only schedules of this account may use the role (the confused-deputy guard Scheduler's docs recommend).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'EventBridge Scheduler invokes the okta-connector poller and searches',
    });
    const targets = [props.poller, ...(props.search ? [props.search] : [])];
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: targets.map((fn) => fn.functionArn),
      }),
    );
    // Scheduler sends undeliverable invocations to the dead-letter queue with the schedule's own role.
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetters.queueArn] }),
    );

    for (const connection of props.connections) {
      this.add(
        `Poll-${connection}`,
        props.poller,
        props.pollSchedule,
        { connection },
        POLL_MAX_EVENT_AGE_SECONDS,
        props.deadLetters,
        `Polls the System Log of connection ${connection}`,
      );
    }
    for (const search of props.searches) {
      this.add(
        `Search-${search.connection}-${search.name}`,
        props.search!,
        search.schedule,
        { connection: search.connection, search: search.name },
        SEARCH_MAX_EVENT_AGE_SECONDS,
        props.deadLetters,
        `Runs search ${search.name} on connection ${search.connection}`,
      );
    }
  }

  private add(
    id: string,
    fn: lambda.IFunction,
    expression: string,
    payload: Record<string, string>,
    maxAgeSeconds: number,
    deadLetters: sqs.IQueue,
    description: string,
  ): void {
    this.schedules.push(
      new scheduler.CfnSchedule(this, id, {
        description,
        scheduleExpression: expression,
        scheduleExpressionTimezone: 'UTC',
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: fn.functionArn,
          roleArn: this.role.roleArn,
          input: JSON.stringify(payload),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: maxAgeSeconds },
          deadLetterConfig: { arn: deadLetters.queueArn },
        },
      }),
    );
  }
}
