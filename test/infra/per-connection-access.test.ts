import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../functions/catalog.js';
import {
  fullContext,
  logicalIdOf as logicalId,
  resourcesOfType,
  roleStatementsOf,
  synthesize,
  type PolicyStatement,
  type Synthesized,
  type TemplateResource,
} from './synth-template.js';

// Issue 14 item 2: IAM cannot read a body, so connections are scoped by what it can see: the route's path (the
// execute-api ARN holds it) and, for direct invokes, a function pinned to one connection.

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize({ ...fullContext, pinnedActions: { acme: ['suspend-user', 'get-user'], globex: ['get-user'] } });
});

const resources = (type: string) => resourcesOfType(synth, type);
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => logicalId(synth, construct);

/** The full path of an API Gateway resource, from its PathPart and its parents'. */
function pathOf(id: string, all: Record<string, TemplateResource>): string {
  const resource = all[id]!;
  const parent = resource.Properties.ParentId as { Ref?: string };
  const above = parent.Ref && all[parent.Ref] ? pathOf(parent.Ref, all) : '';
  return `${above}/${String(resource.Properties.PathPart)}`;
}

const statementsOf = (fn: { role?: { node: { tryFindChild(id: string): unknown } } }): PolicyStatement[] =>
  roleStatementsOf(synth, fn);

describe('the per-connection routes', () => {
  it('give every action POST /connections/{connection}/actions/<name> on its own function, IAM-authorized', () => {
    const all = resources('AWS::ApiGateway::Resource');
    const byPath = new Map(Object.keys(all).map((id) => [pathOf(id, all), id]));
    for (const spec of actions) {
      const resourceId = byPath.get(`/connections/{connection}/actions/${spec.name}`);
      expect(resourceId, spec.name).toBeDefined();
      const fnId = logicalIdOf(synth.connector.actionFunctions.get(spec.name)!);
      synth.template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        ResourceId: { Ref: resourceId },
        AuthorizationType: 'AWS_IAM',
        RequestParameters: { 'method.request.path.connection': true },
        RequestModels: { 'application/json': Match.anyValue() },
        Integration: Match.objectLike({
          Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [fnId, 'Arn'] }])]) }),
        }),
      });
    }
  });

  it('let API Gateway invoke the function from the per-connection path, which the execute-api ARN carries', () => {
    const fnId = logicalIdOf(synth.connector.actionFunctions.get('suspend-user')!);
    const sources = Object.values(resources('AWS::Lambda::Permission'))
      .filter((p) => JSON.stringify(p.Properties.FunctionName).includes(fnId))
      .map((p) => JSON.stringify(p.Properties.SourceArn));
    expect(sources.some((arn) => arn.includes('/POST/connections/*/actions/suspend-user'))).toBe(true);
    expect(sources.some((arn) => arn.includes('/POST/actions/suspend-user'))).toBe(true);
  });
});

describe('actions pinned to one connection (pinnedActions)', () => {
  it('deploys a copy per pinned action with PINNED_CONNECTION, reading only that connection secret', () => {
    const functions = resources('AWS::Lambda::Function');
    const pinned = synth.connector.pinnedFunction('acme', 'suspend-user');
    const environment = (functions[logicalIdOf(pinned)]!.Properties.Environment as { Variables: object }).Variables;
    expect(environment).toMatchObject({ PINNED_CONNECTION: 'acme' });
    const secrets = statementsOf(pinned)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')))
      .map((s) => JSON.stringify(s.Resource));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toContain('okta-connector/acme-??????');
    expect(secrets[0]).not.toContain('globex');
  });

  it("lets a copy pinned to an authorization-code connection write that secret and take that lock, and no other's", () => {
    const statements = statementsOf(synth.connector.pinnedFunction('globex', 'get-user'));
    const text = JSON.stringify(statements);
    expect(text).toContain('okta-connector/globex-??????');
    expect(text).not.toContain('okta-connector/acme-');
    expect(text).toContain('lock#globex#sign-in');
    const acmeCopy = JSON.stringify(statementsOf(synth.connector.pinnedFunction('acme', 'get-user')));
    expect(acmeCopy).not.toContain('PutSecretValue');
    expect(acmeCopy).not.toContain('sign-in');
  });

  it('deploys only the pinned copies asked for, and no route to them', () => {
    expect([...synth.connector.pinnedFunctions.keys()].sort()).toEqual([
      'acme/get-user',
      'acme/suspend-user',
      'globex/get-user',
    ]);
    expect(() => synth.connector.pinnedFunction('globex', 'suspend-user')).toThrow('does not pin "suspend-user"');
    const integrations = JSON.stringify(resources('AWS::ApiGateway::Method'));
    for (const fn of synth.connector.pinnedFunctions.values()) expect(integrations).not.toContain(logicalIdOf(fn));
  });

  it('refuses at synth a pin to an unknown connection or action', () => {
    expect(() => synthesize({ ...fullContext, pinnedActions: { nowhere: ['get-user'] } })).toThrow(
      'pinnedActions names an unknown connection "nowhere"',
    );
    expect(() => synthesize({ ...fullContext, pinnedActions: { acme: ['no-such-action'] } })).toThrow(
      '"no-such-action" is not a deployed action',
    );
  });
});
