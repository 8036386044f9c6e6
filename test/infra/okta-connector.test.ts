import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../functions/catalog.js';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { fullContext, synthesize, synthesizeConstruct, type Synthesized } from './synth-template.js';
import { match } from '../support/match.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
interface StateJson {
  Type: string;
  Resource?: string;
  Next?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

/** A JSON document CloudFormation joins at deploy time, with its tokens (ARNs, partition, region) as placeholders. */
function joinedJson<T>(joined: unknown): T {
  const [, parts] = (joined as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts
    .map((part) =>
      typeof part === 'string' ? part : JSON.stringify(part).includes('Partition') ? 'PARTITION' : 'TOKEN',
    )
    .join('');
  return JSON.parse(text) as T;
}

/** The example state machine's definition. */
/** The definition of the example state machine whose logical id holds `example`. */
function stateMachineDefinition(example = 'Onboarding'): { StartAt: string; States: Record<string, StateJson> } {
  const [machine] = Object.entries(resources('AWS::StepFunctions::StateMachine'))
    .filter(([logicalId]) => logicalId.includes(example))
    .map(([, resource]) => resource);
  return joinedJson(machine!.Properties.DefinitionString);
}

let synth: Synthesized;
let template: Template;

beforeAll(() => {
  synth = synthesize();
  template = synth.template;
});

function resources(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
  return synth.stack.getLogicalId(construct.node.defaultChild as never);
}

describe('OktaConnector: actions', () => {
  it('deploys one function per catalog action, each with its entry file, on nodejs22.x ARM64', () => {
    expect(synth.connector.actionFunctions.size).toBe(actions.length);
    for (const spec of actions) {
      const id = logicalIdOf(synth.connector.actionFunctions.get(spec.name)!);
      const fn = resources('AWS::Lambda::Function')[id]!;
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      expect(fn.Properties.Description).toContain(spec.name);
    }
  });

  it('wires each action to POST /actions/<name> with IAM auth, the body validator and its model', () => {
    const apiResources = resources('AWS::ApiGateway::Resource');
    for (const spec of actions) {
      const fnId = logicalIdOf(synth.connector.actionFunctions.get(spec.name)!);
      const [resourceId] = Object.entries(apiResources).find(([, r]) => r.Properties.PathPart === spec.name)!;
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        ResourceId: { Ref: resourceId },
        AuthorizationType: 'AWS_IAM',
        RequestValidatorId: Match.anyValue(),
        RequestModels: { 'application/json': Match.anyValue() },
        Integration: Match.objectLike({
          Type: 'AWS_PROXY',
          Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [fnId, 'Arn'] }])]) }),
        }),
      });
    }
  });

  it('validates bodies with draft 4 models of the catalog inputs, connection included', () => {
    const models = Object.values(resources('AWS::ApiGateway::Model'));
    expect(models).toHaveLength(actions.length);
    for (const model of models) {
      const schema = model.Properties.Schema as Record<string, unknown>;
      expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
      expect(schema).toHaveProperty('properties.connection');
    }
  });

  it('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
  });

  it('answers a body the gateway refuses in the contract error shape', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      StatusCode: '400',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"type":"InvalidInput"') },
    });
  });

  it('adds the OAuth routes without a signature when a connection uses the authorization-code flow', () => {
    for (const path of ['authorize', 'callback']) {
      const [resourceId] = Object.entries(resources('AWS::ApiGateway::Resource')).find(
        ([, r]) => r.Properties.PathPart === path,
      )!;
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        ResourceId: { Ref: resourceId },
        AuthorizationType: 'NONE',
      });
    }
  });

  it('leaves the OAuth routes out when no connection uses the authorization-code flow', () => {
    const plain = synthesize({ connections: ['acme'], defaultConnection: 'acme' }).template;
    const paths = Object.values(plain.findResources('AWS::ApiGateway::Resource')).map(
      (r) => (r as Resource).Properties.PathPart,
    );
    expect(paths).not.toContain('oauth');
  });
});

describe('OktaConnector: API auth options', () => {
  it('requires an API key of a usage plan on every action when apiAuth is insecureApiKeyNonProduction', () => {
    const keyed = synthesize({ apiAuth: 'insecureApiKeyNonProduction' }).template;
    keyed.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    keyed.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    const methods = Object.values(
      keyed.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }),
    );
    // Both routes of every action: `/actions/<name>` and `/connections/{connection}/actions/<name>`.
    expect(methods).toHaveLength(actions.length * 2);
    for (const method of methods)
      expect((method as Resource).Properties).toMatchObject({ ApiKeyRequired: true, AuthorizationType: 'NONE' });
  });

  it('authorizes every action with the Cognito user pools given', () => {
    const poolArn = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example';
    const { template: pooled } = synthesizeConstruct((stack) => ({
      apiAuth: {
        type: 'cognito',
        userPools: [cognito.UserPool.fromUserPoolArn(stack, 'Pool', poolArn)],
        scopes: ['okta-connector/actions'],
      },
    }));
    pooled.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [poolArn],
    });
    const methods = Object.values(
      pooled.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }),
    );
    expect(methods).toHaveLength(actions.length * 2);
    for (const method of methods) {
      expect((method as Resource).Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizationScopes: ['okta-connector/actions'],
      });
    }
  });
});

describe('OktaConnector: event hook', () => {
  it('gives the event hook, and nothing else, a Function URL without auth', () => {
    const urls = Object.values(resources('AWS::Lambda::Url'));
    expect(urls).toHaveLength(1);
    expect(urls[0]!.Properties).toMatchObject({
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalIdOf(synth.connector.eventHook), 'Arn'] },
    });
  });

  it('caps the hook and the poller with reserved concurrency', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions[logicalIdOf(synth.connector.eventHook)]!.Properties.ReservedConcurrentExecutions).toBe(200);
    expect(functions[logicalIdOf(synth.connector.poller)]!.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('gives the event hook, and only it, the expected hook id of each connection that names one', () => {
    const named = synthesizeConstruct(() => ({
      connections: ['default', 'acme'],
      eventHookIds: { acme: 'who7hphp39JoHLni81d7' },
    }));
    const functions = named.template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    const hookId = named.stack.getLogicalId(named.connector.eventHook.node.defaultChild as never);
    for (const [logicalId, fn] of Object.entries(functions)) {
      const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      if (logicalId === hookId) expect(variables?.EVENT_HOOK_IDS).toBe('{"acme":"who7hphp39JoHLni81d7"}');
      else expect(variables?.EVENT_HOOK_IDS).toBeUndefined();
    }
  });

  it('hands the hook deliveries to a queue with a dead-letter queue, drained in batches with partial failures', () => {
    const queueId = synth.stack.getLogicalId(synth.connector.deliveries.node.defaultChild as never);
    const deadLettersId = synth.stack.getLogicalId(synth.connector.deadLetters.node.defaultChild as never);
    expect(resources('AWS::SQS::Queue')[queueId]!.Properties).toMatchObject({
      VisibilityTimeout: 180,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLettersId, 'Arn'] }, maxReceiveCount: 5 },
    });
    const hook = resources('AWS::Lambda::Function')[logicalIdOf(synth.connector.eventHook)]!;
    expect(
      (hook.Properties.Environment as { Variables: Record<string, unknown> }).Variables.DELIVERY_QUEUE_URL,
    ).toEqual({
      Ref: queueId,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: logicalIdOf(synth.connector.deliveryPublisher!) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('in verified mode maps the hand-off queue into the poller, deploys no publisher and tells the hook', () => {
    const verified = synthesizeConstruct(() => ({ eventHookMode: 'verified' }));
    const id = (construct: { node: { defaultChild?: unknown } }) =>
      verified.stack.getLogicalId(construct.node.defaultChild as never);
    expect(verified.connector.deliveryPublisher).toBeUndefined();
    verified.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [id(verified.connector.deliveries), 'Arn'] },
      FunctionName: { Ref: id(verified.connector.poller) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const functions = verified.template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    const hook = functions[id(verified.connector.eventHook)]!;
    expect((hook.Properties.Environment as { Variables: Record<string, unknown> }).Variables.EVENT_HOOK_MODE).toBe(
      'verified',
    );
    // The schedule's poll and the mapping's two may overlap; the cursor's conditional writes keep that safe.
    expect(functions[id(verified.connector.poller)]!.Properties.ReservedConcurrentExecutions).toBe(3);
  });

  it('alarms on hook errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(synth.connector.eventHook) } }],
    });
  });
});

describe('OktaConnector: table, bus and schedules', () => {
  it('has one on-demand table keyed by pk with the expiresAt TTL, point-in-time recovery and encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('schedules one poll per connection and one run per search, each with its payload and the dead-letter queue', () => {
    const schedules = Object.values(resources('AWS::Scheduler::Schedule')).map(
      (s) =>
        s.Properties as {
          ScheduleExpression: string;
          Target: { Input: string; DeadLetterConfig: { Arn: unknown }; Arn: unknown };
        },
    );
    const inputs = schedules.map((s) => JSON.parse(s.Target.Input) as Record<string, string>);
    expect(inputs).toEqual(
      match.arrayContaining([
        { connection: 'acme' },
        { connection: 'globex' },
        { connection: 'acme', search: 'admin-changes' },
        { connection: 'globex', search: 'failed-sign-ins' },
      ]),
    );
    expect(schedules).toHaveLength(4);
    expect(schedules.map((s) => s.ScheduleExpression).sort()).toEqual([
      'cron(0 8 * * ? *)',
      'rate(1 hour)',
      'rate(1 minute)',
      'rate(1 minute)',
    ]);
    for (const schedule of schedules)
      expect(schedule.Target.DeadLetterConfig.Arn).toEqual({
        'Fn::GetAtt': [logicalIdOf(synth.connector.deadLetters), 'Arn'],
      });
  });

  it('encrypts the dead-letter queue and refuses plain HTTP to it', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("alarms on the lag of each connection's poller", () => {
    for (const connection of ['acme', 'globex']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'OktaConnector',
        MetricName: 'PollerLagSeconds',
        Dimensions: Match.arrayWith([{ Name: 'connection', Value: connection }]),
        TreatMissingData: 'breaching',
      });
    }
  });

  it('passes the searches to the search function as SEARCHES', () => {
    const fn = resources('AWS::Lambda::Function')[logicalIdOf(synth.connector.search!)]!;
    const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(env.SEARCHES!)).toHaveLength(2);
  });

  it('publishes to an existing bus by name when told so, creating none', () => {
    const existing = synthesize({ existingEventBusName: 'default' }).template;
    existing.resourceCountIs('AWS::Events::EventBus', 0);
    const hook = Object.values(existing.findResources('AWS::Lambda::Function'))
      .map((r) => (r as Resource).Properties)
      .find((p) => String(p.Description).includes('event hooks'))!;
    expect((hook.Environment as { Variables: Record<string, string> }).Variables.EVENT_BUS_NAME).toBe('default');
  });
});

describe('OktaConnector: the consent callback URL (issue 14.15)', () => {
  const redirectUriOf = (synthesized: Synthesized) => {
    const fn = synthesized.template.findResources('AWS::Lambda::Function')[
      synthesized.stack.getLogicalId(synthesized.connector.oauthAuthorize!.node.defaultChild as never)
    ] as Resource;
    return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.OAUTH_REDIRECT_URI;
  };

  it("always sets OAUTH_REDIRECT_URI: this API's own /v1/oauth/callback, from its id, region and URL suffix", () => {
    const joined = JSON.stringify(redirectUriOf(synth));
    expect(joined).toContain(synth.stack.getLogicalId(synth.connector.api.api.node.defaultChild as never));
    expect(joined).toContain('AWS::Region');
    expect(joined).toContain('AWS::URLSuffix');
    expect(joined).toContain('/v1/oauth/callback');
  });

  it('outputs the consent function operators invoke, and routes no API method to it', () => {
    const outputs = template.findOutputs('*');
    const output = Object.entries(outputs).find(([id]) => id.includes('ConsentFunctionName'))?.[1] as
      { Value: unknown } | undefined;
    expect(output?.Value).toEqual({ Ref: logicalIdOf(synth.connector.consentStarter!) });
    const integrations = JSON.stringify(resources('AWS::ApiGateway::Method'));
    expect(integrations).not.toContain(logicalIdOf(synth.connector.consentStarter!));
  });

  it("sets the deployer's oauthRedirectUri instead when given (a custom domain)", () => {
    const custom = synthesize({ ...fullContext, oauthRedirectUri: 'https://okta.example.com/oauth/callback' });
    expect(redirectUriOf(custom)).toBe('https://okta.example.com/oauth/callback');
  });
});

describe('OktaConnector: settings of every function', () => {
  it('sets the connection settings on every function that reads a connection, the configured list from `connections`, never ALLOW_INSECURE_LOCAL_OKTA', () => {
    const browserSteps = [synth.connector.oauthAuthorize!, synth.connector.oauthCallback!].map(logicalIdOf);
    // The delivery publisher reads no connection: the name comes with each queued delivery.
    const publisher = logicalIdOf(synth.connector.deliveryPublisher!);
    for (const [logicalId, fn] of Object.entries(resources('AWS::Lambda::Function'))) {
      const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(env).not.toHaveProperty('ALLOW_INSECURE_LOCAL_OKTA');
      if (logicalId === publisher) continue;
      expect(env.CONNECTIONS).toBe('acme,globex');
      // The consent's browser steps get only what they use (least-privilege.test.ts).
      if (browserSteps.includes(logicalId)) continue;
      expect(env).toMatchObject({
        CONNECTION_SECRET_PREFIX: 'okta-connector/',
        DEFAULT_CONNECTION: 'acme',
        CONNECTIONS: 'acme,globex',
      });
    }
  });

  it("leaves Node's source maps off (each cold start would read the map), and on for every function with sourceMaps", () => {
    const nodeOptions = (t: Template) =>
      Object.values(
        t.findResources('AWS::Lambda::Function') as Record<
          string,
          { Properties: { Environment: { Variables: Record<string, string> } } }
        >,
      ).map((fn) => fn.Properties.Environment.Variables.NODE_OPTIONS);
    expect(new Set(nodeOptions(template))).toEqual(new Set([undefined]));
    const withMaps = synthesize({ ...fullContext, sourceMaps: true });
    expect(new Set(nodeOptions(Template.fromStack(withMaps.stack)))).toEqual(new Set(['--enable-source-maps']));
  });

  it('gives every function explicit memory and timeout, X-Ray and a log group with retention', () => {
    for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
      expect(fn.Properties.MemorySize).toBeGreaterThan(0);
      expect(fn.Properties.Timeout).toBeGreaterThan(0);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig).toHaveProperty('LogGroup');
    }
    for (const group of Object.values(resources('AWS::Logs::LogGroup')))
      expect(group.Properties.RetentionInDays).toBe(90);
  });

  it('deploys the onboarding state machine: create-user, add-user-to-group over each group, activate-user', () => {
    const definition = stateMachineDefinition();
    expect(definition.StartAt).toBe('CreateUser');
    expect(definition.States.CreateUser).toMatchObject({ Type: 'Task', Next: 'AddToEachGroup' });
    expect(definition.States.AddToEachGroup).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.groupIds',
      Next: 'ActivateUser',
    });
    expect(definition.States.ActivateUser).toMatchObject({ Next: 'Onboarded' });
    for (const task of [definition.States.CreateUser!, definition.States.ActivateUser!]) {
      expect(task.Resource).toBe('arn:PARTITION:states:::lambda:invoke');
    }
  });

  it('retries OktaRateLimited and OktaUnavailable and catches OktaNotFound and InvalidInput', () => {
    const { States: states } = stateMachineDefinition();
    const map = states.AddToEachGroup as unknown as {
      ItemProcessor: { States: Record<string, StateJson> };
      Catch: StateJson['Catch'];
    };
    for (const task of [states.CreateUser!, map.ItemProcessor.States.AddUserToGroup!, states.ActivateUser!]) {
      expect(task.Retry).toEqual(
        match.arrayContaining([match.objectContaining({ ErrorEquals: ['OktaRateLimited', 'OktaUnavailable'] })]),
      );
    }
    for (const catcher of [states.CreateUser!, states.ActivateUser!, map as unknown as StateJson]) {
      expect(catcher.Catch).toEqual([
        match.objectContaining({ ErrorEquals: ['OktaNotFound', 'InvalidInput'], Next: 'OnboardingFailed' }),
      ]);
    }
  });

  it('deploys the containment state machine: suspend-user, clear-user-sessions with tokens, reset-factors', () => {
    const { StartAt, States: states } = stateMachineDefinition('ContainAccount');
    expect(StartAt).toBe('SuspendUser');
    expect(states.SuspendUser).toMatchObject({ Type: 'Task', Next: 'ClearUserSessions' });
    expect(states.ClearUserSessions).toMatchObject({ Next: 'ResetFactors' });
    expect(states.ResetFactors).toMatchObject({ Next: 'Contained' });
    expect(JSON.stringify(states.ClearUserSessions)).toContain('"revokeOAuthTokens":true');
    for (const task of [states.SuspendUser!, states.ClearUserSessions!, states.ResetFactors!]) {
      expect(task.Resource).toBe('arn:PARTITION:states:::lambda:invoke');
      expect(task.Retry).toEqual(
        match.arrayContaining([match.objectContaining({ ErrorEquals: ['OktaRateLimited', 'OktaUnavailable'] })]),
      );
      expect(task.Catch).toEqual(
        match.arrayContaining([
          match.objectContaining({
            ErrorEquals: ['OktaNotFound', 'InvalidInput', 'OktaForbidden'],
            Next: 'ContainmentFailed',
          }),
        ]),
      );
    }
  });

  it('goes on to clear sessions and factors when suspend-user is InvalidUserState', () => {
    const { States: states } = stateMachineDefinition('ContainAccount');
    expect(states.SuspendUser!.Catch).toEqual(
      match.arrayContaining([match.objectContaining({ ErrorEquals: ['InvalidUserState'], Next: 'ClearUserSessions' })]),
    );
  });

  it('shows every dashboard metric the functions emit', () => {
    const [dashboard] = Object.values(resources('AWS::CloudWatch::Dashboard'));
    const body = joinedJson<{ widgets: { properties: { metrics?: { expression: string }[][] } }[] }>(
      dashboard!.Properties.DashboardBody,
    );
    const expressions = body.widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .flat()
      .map((m) => m.expression);
    for (const metric of [
      'EventsPublished',
      'PollerLagSeconds',
      'HookDeliveriesAccepted',
      'HookDeliveriesRefused',
      'HookEventsRejected',
      'RateLimitHeadroom',
      'ActionSucceeded',
      'ActionFailed',
    ]) {
      expect(expressions).toEqual(
        match.arrayContaining([match.stringContaining(`Namespace="OktaConnector" MetricName="${metric}"`)]),
      );
    }
  });

  it('deploys no state machine unless asked', () => {
    synthesize({}).template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });
});
