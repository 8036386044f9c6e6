/**
 * The settings the stack gives each function, read from the `OktaConnector` construct itself (never a second
 * list): its environment, memory size, timeout and reserved concurrency, by handler entry; and its SQS queues and
 * event source mappings, which the local runtime creates and runs (runtime/sqs-event-source.ts). The construct is built
 * in memory with bundling skipped (the `aws:cdk:bundling-stacks` context set to no stack), nothing synthesized.
 *
 * Environment values the stack gives as a reference to one of its resources (`TABLE_NAME` is `{"Ref": <table>}`)
 * take the local value from `substitutions`, by variable name; one without a substitution is an error, so a new
 * resource reference is never run with a made-up value.
 */
import { App, Stack, Token, type CfnResource } from 'aws-cdk-lib';
import { CfnEventSourceMapping, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { ConnectorFunction } from '../../infra/connector-function.js';
import { OktaConnector, type OktaConnectorProps } from '../../infra/okta-connector.js';
import type { FunctionSettings } from '../runtime.js';

/** A queue of the stack, named locally by its logical id. */
export interface StackQueue {
  name: string;
  visibilityTimeoutSeconds: number;
  /** Where a message received more than `maxReceiveCount` times goes (another queue's name). */
  deadLetter?: { queue: string; maxReceiveCount: number };
}

/** An SQS event source mapping of the stack: which queue invokes which function (by entry), and how. */
export interface StackEventSource {
  queue: string;
  entry: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** Most invocations the mapping runs at once. */
  maxConcurrency?: number;
}

export interface StackSettings {
  functions: Record<string, FunctionSettings>;
  queues: StackQueue[];
  eventSources: StackEventSource[];
}

/**
 * The functions (by handler entry, e.g. `functions/actions/get-user.ts`), the queues and the SQS event source
 * mappings of an `OktaConnector` with these props. A variable that refers to one of its queues (`{"Ref": <queue>}`,
 * a queue URL) takes `queueUrl(<local name>)`.
 */
export function stackSettings(
  props: OktaConnectorProps,
  substitutions: Record<string, string>,
  queueUrl: (name: string) => string,
): StackSettings {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'OktaConnector');
  const connector = new OktaConnector(stack, 'OktaConnector', props);
  const queues = stackQueues(stack, connector);
  const queueRefs: Record<string, string> = {};
  for (const queue of queues) queueRefs[JSON.stringify({ Ref: queue.name })] = queueUrl(queue.name);
  const settings: Record<string, FunctionSettings> = {};
  const entryOf = new Map<string, string>();
  for (const fn of connector.node.findAll()) {
    if (!(fn instanceof ConnectorFunction)) continue;
    const cfn = fn.node.defaultChild as CfnFunction & CfnResource;
    const environment = (stack.resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined)
      ?.variables;
    // A copy pinned to one connection (`pinnedActions`) shares its action's entry; the sandbox runs the action.
    if (environment?.PINNED_CONNECTION !== undefined) continue;
    entryOf.set(stack.getLogicalId(cfn), fn.entry);
    settings[fn.entry] = {
      memoryMb: Number(cfn.memorySize),
      timeoutSeconds: Number(cfn.timeout),
      reservedConcurrency:
        cfn.reservedConcurrentExecutions === undefined ? undefined : Number(cfn.reservedConcurrentExecutions),
      environment: localEnvironment(fn.entry, environment ?? {}, substitutions, queueRefs),
    };
  }
  return { functions: settings, queues, eventSources: stackEventSources(stack, connector, entryOf) };
}

function stackQueues(stack: Stack, connector: OktaConnector): StackQueue[] {
  const queues: StackQueue[] = [];
  for (const node of connector.node.findAll()) {
    if (!(node instanceof CfnQueue)) continue;
    const redrive = stack.resolve(node.redrivePolicy) as
      { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string, string] }; maxReceiveCount?: number } | undefined;
    const target = redrive?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
    queues.push({
      name: stack.getLogicalId(node),
      visibilityTimeoutSeconds: Number(node.visibilityTimeout ?? 30),
      ...(target ? { deadLetter: { queue: target, maxReceiveCount: Number(redrive?.maxReceiveCount) } } : {}),
    });
  }
  // Dead-letter queues first, so a queue's target exists when it is created.
  return queues.sort((a, b) => Number(a.deadLetter !== undefined) - Number(b.deadLetter !== undefined));
}

function stackEventSources(stack: Stack, connector: OktaConnector, entryOf: Map<string, string>): StackEventSource[] {
  const sources: StackEventSource[] = [];
  for (const node of connector.node.findAll()) {
    if (!(node instanceof CfnEventSourceMapping)) continue;
    const queue = (stack.resolve(node.eventSourceArn) as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    const fn = (stack.resolve(node.functionName) as { Ref?: string }).Ref;
    const entry = fn === undefined ? undefined : entryOf.get(fn);
    if (!queue || !entry)
      throw new Error(
        `The stack's event source mapping ${node.node.path} is not an SQS queue of the stack into one of its functions`,
      );
    const scaling = stack.resolve(node.scalingConfig) as { maximumConcurrency?: number } | undefined;
    sources.push({
      queue,
      entry,
      batchSize: Number(node.batchSize ?? 10),
      maxBatchingWindowSeconds: Number(node.maximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: (node.functionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      ...(scaling?.maximumConcurrency === undefined ? {} : { maxConcurrency: Number(scaling.maximumConcurrency) }),
    });
  }
  return sources;
}

function localEnvironment(
  entry: string,
  variables: Record<string, unknown>,
  substitutions: Record<string, string>,
  queueRefs: Record<string, string>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string' && !Token.isUnresolved(value)) {
      environment[name] = value;
    } else if (queueRefs[JSON.stringify(value)] !== undefined) {
      environment[name] = queueRefs[JSON.stringify(value)] as string;
    } else if (substitutions[name] !== undefined) {
      environment[name] = substitutions[name];
    } else {
      throw new Error(
        `The stack gives ${entry} the variable ${name} as ${JSON.stringify(value)}, which has no local value: add it to the substitutions`,
      );
    }
  }
  return environment;
}
