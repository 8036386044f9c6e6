/**
 * An example of the security-response actions as Step Functions tasks: contain a compromised account by
 * suspending it, ending its sessions and OAuth tokens, and resetting its factors. `Retry` waits out
 * `OktaRateLimited` and `OktaUnavailable`. A user suspend cannot change (already SUSPENDED is a success with
 * `changed: false`; DEPROVISIONED, STAGED... are `InvalidUserState`) still has its sessions and factors cleared, so
 * `InvalidUserState` on the suspend goes on; `OktaNotFound`, `InvalidInput` and `OktaForbidden` (a missing scope)
 * end the execution as a failure that says which.
 *
 * Input: `{"userId": "00u..."}` (an id or login).
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { actionTask, exampleStateMachine } from './example-state-machine.js';

export interface ContainAccountExampleProps {
  suspendUser: lambda.IFunction;
  clearUserSessions: lambda.IFunction;
  resetFactors: lambda.IFunction;
  tracing: boolean;
  logRetention: logs.RetentionDays;
}

/** The actions the flow runs, in order. */
export const CONTAIN_ACTIONS = ['suspend-user', 'clear-user-sessions', 'reset-factors'];

/** The CONTRACT error types that end the containment: retrying cannot fix them. */
export const CONTAIN_CAUGHT_ERRORS = ['OktaNotFound', 'InvalidInput', 'OktaForbidden'];

export class ContainAccountExample extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ContainAccountExampleProps) {
    super(scope, id);
    const failed = new sfn.Fail(this, 'ContainmentFailed', {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });

    const suspend = actionTask(this, 'SuspendUser', {
      fn: props.suspendUser,
      payload: { 'userId.$': '$.userId' },
      resultSelector: { 'userId.$': '$.Payload.userId', 'status.$': '$.Payload.status' },
      resultPath: '$.suspended',
    });
    const clearSessions = actionTask(this, 'ClearUserSessions', {
      fn: props.clearUserSessions,
      payload: { 'userId.$': '$.userId', revokeOAuthTokens: true },
      resultPath: sfn.JsonPath.DISCARD,
    });
    const resetFactors = actionTask(this, 'ResetFactors', {
      fn: props.resetFactors,
      payload: { 'userId.$': '$.userId' },
      resultPath: sfn.JsonPath.DISCARD,
    });
    // A user suspend cannot change is still contained by the next two steps; the reason is kept in the output.
    suspend.addCatch(clearSessions, { errors: ['InvalidUserState'], resultPath: '$.suspendRefused' });
    for (const task of [suspend, clearSessions, resetFactors]) {
      task.addCatch(failed, { errors: CONTAIN_CAUGHT_ERRORS, resultPath: '$.failure' });
    }

    const definition = suspend.next(clearSessions).next(resetFactors).next(new sfn.Succeed(this, 'Contained'));
    this.stateMachine = exampleStateMachine(this, {
      comment: 'okta-connector example: contain a compromised account (suspend, clear sessions, reset factors)',
      definition,
      functions: [props.suspendUser, props.clearUserSessions, props.resetFactors],
      tracing: props.tracing,
      logRetention: props.logRetention,
    });
  }
}
