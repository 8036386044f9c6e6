/**
 * Synthesizes the ready app (`infra/app.ts`) for the template tests, with bundling skipped (the
 * `aws:cdk:bundling-stacks` context set to no stack) so no function is built: the tests read the template only.
 * The cdk-nag packs are left out of the synth; cdk-nag.test.ts runs them on the same app.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';
import { OktaConnector, type OktaConnectorProps } from '../../infra/okta-connector.js';

/** Settings that exercise every optional part: two connections, one with the authorization-code flow, a search, the example. */
export const fullContext = {
  connections: ['acme', 'globex'],
  defaultConnection: 'acme',
  authorizationCodeConnections: ['globex'],
  searches: [
    {
      connection: 'acme',
      name: 'admin-changes',
      filter: 'eventType sw "user.account"',
      schedule: 'rate(1 hour)',
      window: 'PT1H',
    },
    { connection: 'globex', name: 'failed-sign-ins', q: 'FAILURE', schedule: 'cron(0 8 * * ? *)', window: 1440 },
  ],
  stepFunctionsExample: true,
  eventHookRegistration: { connections: ['acme'] },
};

export interface Synthesized {
  app: App;
  stack: Stack;
  connector: OktaConnector;
  template: Template;
}

/** The app built from `context`, its stack's template synthesized without bundling. */
export function synthesize(context: Record<string, unknown> = fullContext): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const { stack, connector } = buildApp(app, { nagChecks: false });
  return { app, stack, connector, template: Template.fromStack(stack) };
}

/** A stack holding only an `OktaConnector` with these props (for settings the app cannot read, e.g. a Cognito pool). */
export function synthesizeConstruct(props: (stack: Stack) => OktaConnectorProps): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'OktaConnector');
  const connector = new OktaConnector(stack, 'OktaConnector', props(stack));
  return { app, stack, connector, template: Template.fromStack(stack) };
}

/** A resource of the template, as the tests read it. */
export interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
}

/** A statement of an IAM policy in the template. */
export interface PolicyStatement {
  Action: string | string[];
  Resource: unknown;
}

/** The template's resources of one type, by logical id. */
export function resourcesOfType(synth: Synthesized, type: string): Record<string, TemplateResource> {
  return synth.template.findResources(type) as Record<string, TemplateResource>;
}

/** The logical id of a construct's CloudFormation resource (its default child). */
export function logicalIdOf(synth: Synthesized, construct: { node: { defaultChild?: unknown } }): string {
  return synth.stack.getLogicalId(construct.node.defaultChild as never);
}

/** The statements of the default policy of a function's role. */
export function roleStatementsOf(
  synth: Synthesized,
  fn: { role?: { node: { tryFindChild(id: string): unknown } } },
): PolicyStatement[] {
  const policy = fn.role!.node.tryFindChild('DefaultPolicy') as { node: { defaultChild: unknown } };
  const id = synth.stack.getLogicalId(policy.node.defaultChild as never);
  const document = resourcesOfType(synth, 'AWS::IAM::Policy')[id]!.Properties.PolicyDocument;
  return (document as { Statement: PolicyStatement[] }).Statement;
}
