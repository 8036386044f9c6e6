/**
 * The REST API in front of the actions (docs/CONTRACT.md §2): per catalog action `POST /actions/<name>` and `POST
 * /connections/{connection}/actions/<name>` (the connection of the path only, so IAM can scope a caller by
 * connection: functions/catalog.ts `actionRoutes`), each checked against a model of the action's input before the
 * function runs, plus the two OAuth routes of the authorization-code consent. Calls are authorized by IAM (SigV4) unless the deployer chose an API key or Cognito.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { actionRoutes, CONNECTION_PATH_PARAMETER, type ActionSpec } from '../functions/catalog.js';
import type { ApiAuthSetting } from './okta-connector-props.js';
import { modelName, requestModelSchema } from './request-model.js';

export interface ActionsApiProps {
  readonly actions: readonly { spec: ActionSpec; fn: lambda.IFunction }[];
  readonly oauth?: { authorize: lambda.IFunction; callback: lambda.IFunction };
  readonly auth: ApiAuthSetting;
  readonly tracing: boolean;
  readonly logRetention: logs.RetentionDays;
}

// Steady-state and burst requests per second for the whole stage; Okta's own limits are far lower, so this only
// keeps a runaway client from paying for invocations that Okta would refuse anyway.
const THROTTLE_RATE = 50;
const THROTTLE_BURST = 100;
const STAGE_NAME = 'v1';

export class ActionsApi extends Construct {
  readonly api: apigateway.RestApi;
  /** The route `POST /actions/<name>` of each action, by action name. */
  readonly routes = new Map<string, apigateway.Method>();
  /** The route `POST /connections/{connection}/actions/<name>` of each action, by action name. */
  readonly connectionRoutes = new Map<string, apigateway.Method>();

  constructor(scope: Construct, id: string, props: ActionsApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'okta-connector actions and the OAuth consent routes',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // The account-wide CloudWatch role is a singleton per account and region: not this construct's to take over.
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: props.tracing,
        throttlingRateLimit: THROTTLE_RATE,
        throttlingBurstLimit: THROTTLE_BURST,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
      apiKeySourceType: props.auth === 'insecureApiKeyNonProduction' ? apigateway.ApiKeySourceType.HEADER : undefined,
    });
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // The gateway's own refusals in the contract's error shape. The detailed field list comes from the function's
    // validation; a gateway response template is not VTL and cannot escape the validator's message into JSON.
    this.api.addGatewayResponse('BadBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      templates: { 'application/json': '{"error":{"type":"InvalidInput","message":$context.error.messageString}}' },
    });

    const methodAuth = this.methodAuthorization(props.auth);
    for (const { spec, fn } of props.actions) {
      const model = this.api.addModel(modelName(spec.name), {
        contentType: 'application/json',
        modelName: modelName(spec.name),
        schema: requestModelSchema(spec.name, spec.input),
      });
      const integration = new apigateway.LambdaIntegration(fn, { allowTestInvoke: false });
      const routes = actionRoutes(spec.name);
      const options: apigateway.MethodOptions = {
        ...methodAuth,
        requestValidator: validator,
        requestModels: { 'application/json': model },
      };
      this.routes.set(
        spec.name,
        this.api.root
          .resourceForPath(routes.any)
          .addMethod('POST', integration, { ...options, operationName: spec.name }),
      );
      this.connectionRoutes.set(
        spec.name,
        this.api.root.resourceForPath(routes.perConnection).addMethod('POST', integration, {
          ...options,
          operationName: `${spec.name}-per-connection`,
          requestParameters: { [`method.request.path.${CONNECTION_PATH_PARAMETER}`]: true },
        }),
      );
    }
    if (props.oauth) this.addOAuthRoutes(props.oauth);
    if (props.auth === 'insecureApiKeyNonProduction') this.addUsagePlan();

    if (!props.tracing) {
      Validations.of(this.api).acknowledge({
        id: 'Serverless-APIGWXrayEnabled',
        reason: 'The deployer turned X-Ray tracing off (tracing: false).',
      });
    }
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        "A WAF web ACL is the deployer's choice (cost, shared ACLs); calls are authorized per method and throttled per stage.",
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logging needs the account-wide API Gateway CloudWatch role, a singleton per account and region this construct must not take over; every request is in the access log.',
    });
  }

  /**
   * This API's own `/oauth/callback` URL, built from the API's id and the stage name: `api.url` names the stage
   * resource, which depends on the methods, which depend on the functions, so a function given `api.url` would be a
   * dependency cycle.
   */
  get oauthCallbackUrl(): string {
    return `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${STAGE_NAME}/oauth/callback`;
  }

  private methodAuthorization(auth: ApiAuthSetting): apigateway.MethodOptions {
    if (auth === 'iam') {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'apiAuth is "iam": every action method requires a SigV4-signed call by an IAM principal allowed execute-api:Invoke.',
      });
      return { authorizationType: apigateway.AuthorizationType.IAM };
    }
    if (auth === 'insecureApiKeyNonProduction') {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'apiAuth is "insecureApiKeyNonProduction": the deployer chose API keys with a usage plan instead of a Cognito authorizer.',
      });
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'apiAuth is "insecureApiKeyNonProduction": every action method requires an API key of the usage plan.',
      });
      return { authorizationType: apigateway.AuthorizationType.NONE, apiKeyRequired: true };
    }
    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [...auth.userPools],
    });
    return {
      authorizationType: apigateway.AuthorizationType.COGNITO,
      authorizer,
      authorizationScopes: auth.scopes && [...auth.scopes],
    };
  }

  private addOAuthRoutes(oauth: { authorize: lambda.IFunction; callback: lambda.IFunction }): void {
    const resource = this.api.root.addResource('oauth');
    // Both routes are opened by a browser, not signed by a client: the Okta user follows the one-time link an
    // operator got from the IAM-only consent function (start-consent.ts) to Okta's consent page, and Okta redirects
    // the browser to /callback. /authorize does nothing without a ticket only that operator's call issued; the
    // callback only ends a consent in the browser holding its __Host- cookie, with PKCE and the ID token checked.
    for (const [path, fn] of [
      ['authorize', oauth.authorize],
      ['callback', oauth.callback],
    ] as const) {
      const method = resource
        .addResource(path)
        .addMethod('GET', new apigateway.LambdaIntegration(fn, { allowTestInvoke: false }), {
          authorizationType: apigateway.AuthorizationType.NONE,
          operationName: `oauth-${path}`,
        });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `GET /oauth/${path} is a browser redirect of the OAuth authorization-code flow; it cannot carry SigV4 or an API key. Consents start only from an IAM-signed call (a one-time ticket), are bound to the browser by a __Host- cookie, and use PKCE and a checked ID token.`,
      });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `GET /oauth/${path} is a browser redirect of the OAuth authorization-code flow, not a Cognito-authenticated call.`,
      });
    }
  }

  private addUsagePlan(): void {
    const plan = this.api.addUsagePlan('UsagePlan', {
      description: 'okta-connector action callers',
      throttle: { rateLimit: THROTTLE_RATE, burstLimit: THROTTLE_BURST },
    });
    plan.addApiStage({ stage: this.api.deploymentStage });
    plan.addApiKey(this.api.addApiKey('ApiKey', { description: 'okta-connector actions' }));
  }
}
