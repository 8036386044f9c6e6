/**
 * What the Step Functions examples share: an action as an `arn:aws:states:::lambda:invoke` task that retries the
 * CONTRACT errors Okta will likely answer later, and a state machine whose log keeps states, not data.
 */
import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** The CONTRACT error types worth retrying: Okta will likely answer later. */
export const RETRIED_ERRORS = ['OktaRateLimited', 'OktaUnavailable'];

export interface ActionTaskProps {
  fn: lambda.IFunction;
  /** The action's input. */
  payload: Record<string, unknown>;
  /** What the next states need from the action's output (`$.Payload`). */
  resultSelector?: Record<string, string>;
  resultPath: string;
}

/** One action as a task with `Retry` on RETRIED_ERRORS (the thrown error's `name` is its CONTRACT type). */
export function actionTask(scope: Construct, id: string, props: ActionTaskProps): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: props.fn,
    payload: sfn.TaskInput.fromObject(props.payload),
    resultSelector: props.resultSelector,
    resultPath: props.resultPath,
    retryOnServiceExceptions: true,
  });
  task.addRetry({
    errors: RETRIED_ERRORS,
    interval: Duration.seconds(5),
    backoffRate: 2,
    maxAttempts: 5,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

export interface ExampleStateMachineProps {
  comment: string;
  definition: sfn.IChainable;
  /** The functions the tasks invoke (for the cdk-nag acknowledgements of their `:*` grants). */
  functions: lambda.IFunction[];
  tracing: boolean;
  logRetention: logs.RetentionDays;
}

/** The state machine of an example, logged without execution data (outputs carry tokens and profiles). */
export function exampleStateMachine(scope: Construct, props: ExampleStateMachineProps): sfn.StateMachine {
  const stateMachine = new sfn.StateMachine(scope, 'StateMachine', {
    comment: props.comment,
    definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
    timeout: Duration.minutes(15),
    tracingEnabled: props.tracing,
    logs: {
      destination: new logs.LogGroup(scope, 'Logs', { retention: props.logRetention }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
  });
  if (!props.tracing) {
    Validations.of(stateMachine).acknowledge({
      id: 'Serverless-StepFunctionStateMachineXray',
      reason: 'The deployer turned X-Ray tracing off (tracing: false).',
    });
    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-SF2',
      reason: 'The deployer turned X-Ray tracing off (tracing: false).',
    });
  }
  const role = stateMachine.role;
  for (const fn of props.functions) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'The LambdaInvoke task grants the versions and aliases of this one named function (function:name:*), so a qualified ARN can be invoked.',
    });
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'CloudWatch Logs log-delivery actions (logs:CreateLogDelivery and the like) and X-Ray (xray:PutTraceSegments, GetSamplingRules...) support no resource-level permissions.',
  });
  return stateMachine;
}
