import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OktaConnector } from '../../infra/okta-connector.js';
import { synthesize, type Synthesized } from './synth-template.js';
import { match } from '../support/match.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/**
 * The only actions that may have a `*` resource: AWS defines no resource-level permission for them, so nothing
 * narrower exists.
 */
const ACTIONS_WITHOUT_RESOURCE_LEVEL = new Map<string, string>([
  ['xray:PutTraceSegments', 'X-Ray tracing of functions and the state machine'],
  ['xray:PutTelemetryRecords', 'X-Ray tracing of functions and the state machine'],
  ['xray:GetSamplingRules', 'X-Ray sampling of the state machine'],
  ['xray:GetSamplingTargets', 'X-Ray sampling of the state machine'],
  ['logs:CreateLogDelivery', 'Step Functions log delivery to CloudWatch Logs'],
  ['logs:GetLogDelivery', 'Step Functions log delivery'],
  ['logs:UpdateLogDelivery', 'Step Functions log delivery'],
  ['logs:DeleteLogDelivery', 'Step Functions log delivery'],
  ['logs:ListLogDeliveries', 'Step Functions log delivery'],
  ['logs:PutResourcePolicy', 'Step Functions log delivery (the log group resource policy)'],
  ['logs:DescribeResourcePolicies', 'Step Functions log delivery'],
  ['logs:DescribeLogGroups', 'Step Functions log delivery'],
]);

/** `arn:…:function:<named function>:*`: the versions and aliases of one named function (CDK's LambdaInvoke task). */
function isQualifiersOfNamedFunction(resource: unknown): boolean {
  const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  return Array.isArray(parts) && parts.length === 2 && typeof parts[0] === 'object' && parts[1] === ':*';
}

function wildcardText(resource: unknown): string | undefined {
  const text = JSON.stringify(resource);
  return text.includes('*') ? text : undefined;
}

let synth: Synthesized;
let statements: { policy: string; statement: Statement }[];

beforeAll(() => {
  synth = synthesize();
  statements = Object.entries(synth.template.findResources('AWS::IAM::Policy')).flatMap(([policy, resource]) =>
    (
      resource as { Properties: { PolicyDocument: { Statement: Statement[] } } }
    ).Properties.PolicyDocument.Statement.map((statement) => ({ policy, statement })),
  );
});

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

function policyOf(construct: { role?: { node: { tryFindChild(id: string): unknown } } }): string {
  const policy = construct.role!.node.tryFindChild('DefaultPolicy') as { node: { defaultChild: unknown } };
  return synth.stack.getLogicalId(policy.node.defaultChild as never);
}

describe('IAM: least privilege', () => {
  it('allows a "*" resource only for actions AWS offers no resource-level permission for', () => {
    const offending = statements.filter(
      ({ statement }) =>
        resourcesOf(statement).some((r) => r === '*') &&
        actionsOf(statement).some((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL.has(action)),
    );
    expect(offending).toEqual([]);
  });

  it("has no wildcard in any other resource except secret suffixes and a named function's qualifiers", () => {
    const offending = statements.flatMap(({ policy, statement }) =>
      resourcesOf(statement)
        .filter((r) => r !== '*' && wildcardText(r) !== undefined && !isQualifiersOfNamedFunction(r))
        .map((r) => ({ policy, resource: wildcardText(r) })),
    );
    expect(offending).toEqual([]);
  });

  it('grants no wildcard action', () => {
    const wildcards = statements
      .flatMap(({ statement }) => actionsOf(statement))
      .filter((action) => action.includes('*'));
    expect(wildcards).toEqual([]);
  });

  it("lets functions read only the named connections' secrets, with the 6-character suffix Secrets Manager adds", () => {
    const secretResources = statements
      .filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('secretsmanager:')))
      .flatMap(({ statement }) => resourcesOf(statement).map((r) => JSON.stringify(r)));
    expect(secretResources.length).toBeGreaterThan(0);
    for (const resource of secretResources)
      expect(resource).toMatch(/:secret:okta-connector\/(acme|globex)(\/event-hook)?-\?\?\?\?\?\?"/);
  });

  it("lets the internet-facing event hook read the connections' hook secrets and no connection secret (issue 14 item 3)", () => {
    const hookSecretResources = statements
      .filter(({ policy }) => policy === policyOf(synth.connector.eventHook))
      .filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('secretsmanager:')))
      .flatMap(({ statement }) => resourcesOf(statement).map((r) => JSON.stringify(r)));
    expect(hookSecretResources).toEqual([
      match.stringContaining(':secret:okta-connector/acme/event-hook-??????"'),
      match.stringContaining(':secret:okta-connector/globex/event-hook-??????"'),
    ]);
    // The other functions that read secrets read the connections' own, never a hook secret, except the one that
    // registers the hooks (eventHookRegistration), for the connections it registers.
    const registration = policyOf(synth.connector.eventHookRegistration!);
    const others = statements
      .filter(({ policy }) => policy !== policyOf(synth.connector.eventHook) && policy !== registration)
      .flatMap(({ statement }) => resourcesOf(statement).map((r) => JSON.stringify(r)));
    expect(others.filter((r) => r.includes('/event-hook-'))).toEqual([]);
  });

  it("lets only the OAuth callback and the Okta callers write, and only the authorization-code connection's secret", () => {
    const writers = statements.filter(({ statement }) =>
      actionsOf(statement).includes('secretsmanager:PutSecretValue'),
    );
    const registration = policyOf(synth.connector.eventHookRegistration!);
    for (const { policy, statement } of writers) {
      for (const resource of resourcesOf(statement)) {
        // The hook registration also writes the hook secret of the connection it registers (acme), nothing else.
        if (policy === registration && JSON.stringify(resource).includes('/event-hook-'))
          expect(JSON.stringify(resource)).toContain('okta-connector/acme/event-hook-??????');
        else expect(JSON.stringify(resource)).toContain('okta-connector/globex-??????');
      }
    }
    const writerPolicies = new Set(writers.map((w) => w.policy));
    expect(writerPolicies.has(policyOf(synth.connector.eventHook))).toBe(false);
    expect(writerPolicies.has(policyOf(synth.connector.poller))).toBe(true);
  });

  it('gives the event hook exactly its calls: the secrets, the dedupe records, PutEvents on the bus', () => {
    const hookActions = statements
      .filter(({ policy }) => policy === policyOf(synth.connector.eventHook))
      .flatMap(({ statement }) => actionsOf(statement));
    // sqs:SendMessage twice: its asynchronous dead-letter queue, and the hand-off queue.
    expect([...new Set(hookActions)].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('gives the delivery publisher the dedupe records, PutEvents, its queue and no secret at all', () => {
    const publisherActions = statements
      .filter(({ policy }) => policy === policyOf(synth.connector.deliveryPublisher!))
      .flatMap(({ statement }) => actionsOf(statement));
    expect([...new Set(publisherActions)].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it("gives an action no bus, and of the table only the sign-in lock item and the org's rate-limit budget items", () => {
    const actionPolicy = policyOf(synth.connector.actionFunctions.get('get-user')!);
    const actionStatements = statements.filter(({ policy }) => policy === actionPolicy).map((s) => s.statement);
    const tableStatements = actionStatements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .map((s) => ({ actions: actionsOf(s).sort(), condition: (s as Statement & { Condition?: unknown }).Condition }));
    expect(actionStatements.flatMap(actionsOf).filter((a) => a.startsWith('events:'))).toEqual([]);
    expect(tableStatements).toEqual([
      {
        actions: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['lock#globex#sign-in'] } },
      },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ratebudget#*'] } },
      },
    ]);
  });

  it('shares one rate-limit budget through the table in every function that calls Okta, and none elsewhere', () => {
    const functions = synth.template.findResources('AWS::Lambda::Function');
    const budgeted = Object.values(functions)
      .map(
        (fn) =>
          (fn as { Properties: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } } })
            .Properties,
      )
      .filter((props) => props.Environment?.Variables?.RATE_LIMIT_BUDGET === 'table');
    // Every action (and pinned copy), the poller, the scheduled search, the replay and the hook registration; not
    // the hook, not OAuth.
    const callers =
      synth.connector.actionFunctions.size +
      synth.connector.pinnedFunctions.size +
      2 +
      (synth.connector.search ? 1 : 0) +
      (synth.connector.eventHookRegistration ? 1 : 0);
    expect(budgeted).toHaveLength(callers);
    for (const props of budgeted) expect(props.Environment?.Variables?.TABLE_NAME).toBeDefined();
    const hook = policyOf(synth.connector.eventHook);
    const hookStatements = statements.filter(({ policy }) => policy === hook).map((s) => JSON.stringify(s.statement));
    expect(hookStatements.filter((s) => s.includes('ratebudget#'))).toEqual([]);
  });

  it("keeps the reserve per container, without table grants, with rateLimitBudget: 'container'", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'ContainerBudget');
    new OktaConnector(stack, 'Connector', {
      connections: ['acme'],
      defaultConnection: 'acme',
      rateLimitBudget: 'container',
    });
    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(template).not.toContain('ratebudget#');
    expect(template).not.toContain('RATE_LIMIT_BUDGET');
  });

  it('gives actions that take an idempotencyKey the calls Powertools Idempotency makes, on their own records only', () => {
    const idempotencyGrants = (name: string) =>
      statements
        .filter(({ policy }) => policy === policyOf(synth.connector.actionFunctions.get(name)!))
        .map(({ statement }) => statement as Statement & { Condition?: Record<string, Record<string, unknown>> })
        .filter((statement) => JSON.stringify(statement.Condition ?? {}).includes('idempotency#'));
    for (const name of synth.connector.actionFunctions.keys()) {
      const grants = idempotencyGrants(name);
      if (name !== 'create-user' && name !== 'okta-request') {
        expect(grants, name).toEqual([]);
        continue;
      }
      expect(grants).toHaveLength(1);
      expect(actionsOf(grants[0]!).sort()).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
      expect(grants[0]!.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`idempotency#${name}#*`] },
      });
    }
  });

  it('limits every table grant to item keys with a dynamodb:LeadingKeys condition (issue 14.3)', () => {
    const tableGrants = statements.filter(({ statement }) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );
    expect(tableGrants.length).toBeGreaterThan(0);
    const unconditioned = tableGrants.filter(({ statement }) => {
      const condition = (statement as Statement & { Condition?: Record<string, Record<string, unknown>> }).Condition;
      return !Object.values(condition ?? {}).some((test) => 'dynamodb:LeadingKeys' in test);
    });
    expect(unconditioned.map(({ policy }) => policy)).toEqual([]);
  });

  it("gives each trigger and consent function the keys of its own items, of the deployment's connections only", () => {
    const keysOf = (construct: Parameters<typeof policyOf>[0]) =>
      statements
        .filter(({ policy }) => policy === policyOf(construct))
        .map(({ statement }) => statement as Statement & { Condition?: Record<string, Record<string, string[]>> })
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')))
        .flatMap((statement) => Object.values(statement.Condition ?? {}).flatMap((t) => t['dynamodb:LeadingKeys']))
        .sort();
    const dedupe = ['dedupe#acme#*', 'dedupe#globex#*', 'lock#acme#publish', 'lock#globex#publish'];
    expect(keysOf(synth.connector.eventHook)).toEqual(dedupe);
    expect(keysOf(synth.connector.poller)).toEqual(
      [...dedupe, 'cursor#acme#poll', 'cursor#globex#poll', 'lock#globex#sign-in', 'ratebudget#*'].sort(),
    );
    expect(keysOf(synth.connector.search!)).toEqual(
      [
        'cursor#acme#search#admin-changes',
        'lock#acme#search#admin-changes',
        'cursor#globex#search#failed-sign-ins',
        'lock#globex#search#failed-sign-ins',
        'lock#globex#sign-in',
        'ratebudget#*',
      ].sort(),
    );
    // Every function that calls Okta shares the org's rate-limit budget (ratebudget#<org host>#<bucket>).
    expect(keysOf(synth.connector.replay)).toEqual(['lock#globex#sign-in', 'ratebudget#*']);
    expect(keysOf(synth.connector.consentStarter!)).toEqual(['oauth-consent#*']);
    expect(keysOf(synth.connector.oauthAuthorize!)).toEqual(['oauth-consent#*', 'oauth-state#*']);
    expect(keysOf(synth.connector.oauthCallback!)).toEqual(['oauth-state#*']);
  });

  it("gives the consent's browser steps only the list of connections, and the link's step no secret: its ticket carries what it sends to Okta", () => {
    const authorizeActions = statements
      .filter(({ policy }) => policy === policyOf(synth.connector.oauthAuthorize!))
      .flatMap(({ statement }) => actionsOf(statement));
    const fn = synth.template.findResources('AWS::Lambda::Function')[
      synth.stack.getLogicalId(synth.connector.oauthAuthorize!.node.defaultChild as never)
    ] as { Properties: { Environment: { Variables: Record<string, unknown> } } };

    expect(authorizeActions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
    const callback = synth.template.findResources('AWS::Lambda::Function')[
      synth.stack.getLogicalId(synth.connector.oauthCallback!.node.defaultChild as never)
    ] as typeof fn;
    expect(Object.keys(callback.Properties.Environment.Variables)).not.toContain('DEFAULT_CONNECTION');
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual([
      'CONNECTIONS',
      'OAUTH_REDIRECT_URI',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
  });

  it('lets the consent start, invoked by operators only, read the authorization-code secrets and write no secret', () => {
    const startStatements = statements.filter(({ policy }) => policy === policyOf(synth.connector.consentStarter!));
    const secretActions = startStatements.flatMap(({ statement }) =>
      actionsOf(statement).filter((action) => action.startsWith('secretsmanager:')),
    );
    const secretResources = startStatements
      .filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')))
      .flatMap(({ statement }) => resourcesOf(statement).map((r) => JSON.stringify(r)));

    expect(secretActions).toEqual(['secretsmanager:GetSecretValue']);
    expect(secretResources).toHaveLength(1);
    expect(secretResources[0]).toContain('okta-connector/globex-??????');
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const role of Object.values(synth.template.findResources('AWS::IAM::Role'))) {
      expect((role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});
