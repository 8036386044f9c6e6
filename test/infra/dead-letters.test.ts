import { beforeAll, describe, expect, it } from 'vitest';
import {
  logicalIdOf as logicalId,
  resourcesOfType,
  synthesize,
  type PolicyStatement,
  type Synthesized,
} from './synth-template.js';

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize();
});

const resources = (type: string) => resourcesOfType(synth, type);
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => logicalId(synth, construct);

/** The logical ids of the roles whose policies may send to the dead-letter queue. */
function queueSenders(): string[] {
  const queue = logicalIdOf(synth.connector.deadLetters);
  return Object.values(resources('AWS::IAM::Policy')).flatMap((policy) => {
    const statements = (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement;
    const sends = statements.some(
      (s) => [s.Action].flat().includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(queue),
    );
    return sends ? (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref) : [];
  });
}

function roleIdOf(fn: { role?: { node: { defaultChild?: unknown } } }): string {
  return synth.stack.getLogicalId(fn.role!.node.defaultChild as never);
}

// Issue 14 item 12: an action invoked asynchronously that failed every retry would have left its whole input
// (a password, a recovery answer) in the dead-letter queue for 14 days.
describe('the dead-letter queue holds no action input', () => {
  it('gives no action function a dead-letter queue or an asynchronous-invocation destination', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(synth.connector.actionFunctions.size).toBeGreaterThan(0);
    for (const [name, fn] of synth.connector.actionFunctions) {
      expect(functions[logicalIdOf(fn)]!.Properties.DeadLetterConfig, name).toBeUndefined();
    }
    const actionIds = new Set([...synth.connector.actionFunctions.values()].map(logicalIdOf));
    const destinations = Object.values(resources('AWS::Lambda::EventInvokeConfig')).filter((config) =>
      actionIds.has((config.Properties.FunctionName as { Ref?: string }).Ref ?? ''),
    );
    expect(destinations).toEqual([]);
  });

  it('lets only the triggers and their schedules send to the queue, whose payloads hold no secret', () => {
    const senders = new Set(queueSenders());
    for (const [name, fn] of synth.connector.actionFunctions) expect(senders.has(roleIdOf(fn)), name).toBe(false);
    // Their payloads: a schedule's `{connection}` or search name, a replay's window, a Function URL request (sync),
    // a batch of queued Okta events (SQS invokes synchronously; its failures stay in the hand-off queue).
    for (const trigger of [synth.connector.poller, synth.connector.search!, synth.connector.replay])
      expect(senders.has(roleIdOf(trigger))).toBe(true);
    const functions = resources('AWS::Lambda::Function');
    const withQueue = Object.entries(functions)
      .filter(([, fn]) => fn.Properties.DeadLetterConfig !== undefined)
      .map(([id]) => id)
      .sort();
    const triggers = [
      synth.connector.eventHook,
      synth.connector.deliveryPublisher!,
      synth.connector.poller,
      synth.connector.search!,
      synth.connector.replay,
    ]
      .map(logicalIdOf)
      .sort();
    expect(withQueue.filter((id) => !id.startsWith('OktaConnectorOAuth'))).toEqual(triggers);
  });
});
