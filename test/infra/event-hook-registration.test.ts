import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OktaConnector, type OktaConnectorProps } from '../../infra/okta-connector.js';
import { match } from '../support/match.js';

function synth(props: OktaConnectorProps) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Hooks');
  const connector = new OktaConnector(stack, 'Okta', {
    connections: ['acme', 'globex'],
    defaultConnection: 'acme',
    authorizationCodeConnections: ['globex'],
    ...props,
  });
  return { stack, connector, template: Template.fromStack(stack) };
}

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

describe('OktaConnector eventHookRegistration (issue 16 part 1)', () => {
  const { stack, connector, template } = synth({ eventHookRegistration: { connections: ['acme', 'globex'] } });

  it('adds one custom resource per connection, at EventHookUrl?connection=<name>, with the types and no secret', () => {
    const resources = Object.values(template.findResources('Custom::OktaEventHook')) as Array<{
      Properties: Record<string, unknown>;
    }>;
    expect(resources.map((r) => r.Properties.Connection)).toEqual(['acme', 'globex']);
    for (const { Properties } of resources) {
      expect(Properties.EventTypes).toBe('all-eligible');
      expect(JSON.stringify(stack.resolve(Properties.Url))).toContain(`?connection=${String(Properties.Connection)}`);
      expect(Object.keys(Properties).sort()).toEqual(['Connection', 'EventTypes', 'ServiceToken', 'Url']);
    }
  });

  it('puts no secret in the template or its outputs', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/eventHookSecret|SecretString|GenerateSecretString|authScheme/);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it("lets the registration function touch only the named connections' secrets and their hook secrets", () => {
    const fn = connector.eventHookRegistration!;
    const policy = fn.role!.node.tryFindChild('DefaultPolicy') as { node: { defaultChild: unknown } };
    const id = stack.getLogicalId(policy.node.defaultChild as never);
    const resources = (
      template.toJSON() as { Resources: Record<string, { Properties: { PolicyDocument: { Statement: Statement[] } } }> }
    ).Resources;
    const statements = resources[id]!.Properties.PolicyDocument.Statement.filter((s) =>
      JSON.stringify(s.Action).includes('secretsmanager:'),
    );
    const byAction = (action: string) =>
      statements
        .filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action))
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => JSON.stringify(r)));
    expect(byAction('secretsmanager:CreateSecret')).toEqual([
      match.stringContaining(':secret:okta-connector/acme/event-hook-??????'),
      match.stringContaining(':secret:okta-connector/globex/event-hook-??????'),
    ]);
    // Writes to a connection secret only for the one that rotates refresh tokens.
    expect(byAction('secretsmanager:PutSecretValue').filter((r) => !r.includes('/event-hook-'))).toEqual([
      match.stringContaining(':secret:okta-connector/globex-??????'),
    ]);
  });

  it('is absent unless asked for', () => {
    const plain = synth({});
    plain.template.resourceCountIs('Custom::OktaEventHook', 0);
    expect(plain.connector.eventHookRegistration).toBeUndefined();
  });

  it.each([
    [{ connections: ['nobody'] }, /eventHookRegistration names an unknown connection "nobody"/],
    [{ connections: ['acme', 'acme'] }, /lists a connection twice/],
    [
      { connections: ['acme'], eventTypes: ['user.made.up'] },
      /not event types Okta allows in an event hook: user.made.up/,
    ],
  ])('refuses %j at synth', (setting, message) => {
    expect(() => synth({ eventHookRegistration: setting })).toThrow(message);
  });
});
