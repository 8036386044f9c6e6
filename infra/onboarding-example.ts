/**
 * An example of the actions as Step Functions tasks: onboard a user by creating them staged, adding them to each
 * group, then activating them. It shows the connector's error types at work: a thrown error's `name` is its CONTRACT
 * type, so `Retry` waits out `OktaRateLimited` and `OktaUnavailable`, and `Catch` turns `OktaNotFound` and
 * `InvalidInput` into a failed execution that says which.
 *
 * Input: `{"profile": {"login", "email", "firstName", "lastName", ...}, "groupIds": ["00g..."]}`.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { actionTask, exampleStateMachine, RETRIED_ERRORS } from './example-state-machine.js';

export interface OnboardingExampleProps {
  readonly createUser: lambda.IFunction;
  readonly addUserToGroup: lambda.IFunction;
  readonly activateUser: lambda.IFunction;
  readonly tracing: boolean;
  readonly logRetention: logs.RetentionDays;
}

export { RETRIED_ERRORS };
/** The CONTRACT error types that end the onboarding: retrying cannot fix them. */
export const CAUGHT_ERRORS = ['OktaNotFound', 'InvalidInput'];

/** The onboarding state machine: create a user staged, add them to each group, activate them. */
export class OnboardingExample extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: OnboardingExampleProps) {
    super(scope, id);
    const failed = new sfn.Fail(this, 'OnboardingFailed', {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });

    const createUser = this.action(
      'CreateUser',
      props.createUser,
      {
        'profile.$': '$.profile',
        // Staged first, so the user is in their groups before activation sends the welcome email.
        activate: false,
      },
      { 'id.$': '$.Payload.id', 'status.$': '$.Payload.status', 'login.$': '$.Payload.profile.login' },
      '$.user',
      failed,
    );

    const addUserToGroup = this.action(
      'AddUserToGroup',
      props.addUserToGroup,
      {
        'userId.$': '$.userId',
        'groupId.$': '$.groupId',
      },
      undefined,
      sfn.JsonPath.DISCARD,
      failed,
    );
    const eachGroup = new sfn.Map(this, 'AddToEachGroup', {
      itemsPath: '$.groupIds',
      itemSelector: { 'userId.$': '$.user.id', 'groupId.$': '$$.Map.Item.Value' },
      // Okta's group endpoints share one rate-limit bucket; a few at a time keeps the retries rare.
      maxConcurrency: 5,
      resultPath: sfn.JsonPath.DISCARD,
    });
    eachGroup.itemProcessor(addUserToGroup);
    eachGroup.addCatch(failed, { errors: CAUGHT_ERRORS, resultPath: '$.failure' });

    const activateUser = this.action(
      'ActivateUser',
      props.activateUser,
      {
        'userId.$': '$.user.id',
        sendEmail: true,
      },
      { 'status.$': '$.Payload.status' },
      '$.activation',
      failed,
    );

    const definition = createUser.next(eachGroup).next(activateUser).next(new sfn.Succeed(this, 'Onboarded'));
    this.stateMachine = exampleStateMachine(this, {
      comment: 'okta-connector example: create a user, add them to groups, activate them',
      definition,
      functions: [props.createUser, props.addUserToGroup, props.activateUser],
      tracing: props.tracing,
      logRetention: props.logRetention,
    });
  }

  /**
   * One action as an `arn:aws:states:::lambda:invoke` task: the payload is the action's input; `resultSelector`
   * picks what the next states need from the action's output (`$.Payload`).
   */
  private action(
    id: string,
    fn: lambda.IFunction,
    payload: Record<string, unknown>,
    resultSelector: Record<string, string> | undefined,
    resultPath: string,
    failed: sfn.Fail,
  ): tasks.LambdaInvoke {
    const task = actionTask(this, id, { fn, payload, resultSelector, resultPath });
    // In the Map, the Map's own Catch handles these; a task inside an item processor cannot jump out of it.
    if (id !== 'AddUserToGroup') task.addCatch(failed, { errors: CAUGHT_ERRORS, resultPath: '$.failure' });
    return task;
  }
}
