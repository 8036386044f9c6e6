/**
 * The settings the stack gives each function, read from the `OktaConnector` construct itself (never a second
 * list): its environment, memory size, timeout and reserved concurrency, by handler entry. The construct is built
 * in memory with bundling skipped (the `aws:cdk:bundling-stacks` context set to no stack), nothing synthesized.
 *
 * Environment values the stack gives as a reference to one of its resources (`TABLE_NAME` is `{"Ref": <table>}`)
 * take the local value from `substitutions`, by variable name; one without a substitution is an error, so a new
 * resource reference is never run with a made-up value.
 */
import { App, Stack, Token, type CfnResource } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { ConnectorFunction } from '../../infra/connector-function.js';
import { OktaConnector, type OktaConnectorProps } from '../../infra/okta-connector.js';
import type { FunctionSettings } from '../runtime.js';

/** Every function of an `OktaConnector` with these props, by handler entry (e.g. `functions/actions/get-user.ts`). */
export function stackFunctions(
  props: OktaConnectorProps,
  substitutions: Record<string, string>,
): Record<string, FunctionSettings> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'OktaConnector');
  const connector = new OktaConnector(stack, 'OktaConnector', props);
  const settings: Record<string, FunctionSettings> = {};
  for (const fn of connector.node.findAll()) {
    if (!(fn instanceof ConnectorFunction)) continue;
    const cfn = fn.node.defaultChild as CfnFunction & CfnResource;
    const environment = (stack.resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined)
      ?.variables;
    // A copy pinned to one connection (`pinnedActions`) shares its action's entry; the sandbox runs the action.
    if (environment?.PINNED_CONNECTION !== undefined) continue;
    settings[fn.entry] = {
      memoryMb: Number(cfn.memorySize),
      timeoutSeconds: Number(cfn.timeout),
      reservedConcurrency:
        cfn.reservedConcurrentExecutions === undefined ? undefined : Number(cfn.reservedConcurrentExecutions),
      environment: localEnvironment(fn.entry, environment ?? {}, substitutions),
    };
  }
  return settings;
}

function localEnvironment(
  entry: string,
  variables: Record<string, unknown>,
  substitutions: Record<string, string>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string' && !Token.isUnresolved(value)) {
      environment[name] = value;
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
