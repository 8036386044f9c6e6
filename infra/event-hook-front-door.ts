/**
 * The optional front door of the event hook (`eventHookFrontDoor`, docs/TRIGGERS.md "The front door"): a regional
 * REST API whose one resource proxies to the hook function, behind an AWS WAF web ACL with a rate-based rule per
 * source IP, a body size rule and, when given, an allow list of source ranges (Okta's published IP ranges). A
 * Function URL cannot carry WAF; with the front door the stack deploys no Function URL, so the WAF cannot be
 * bypassed.
 */
import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The front door's settings (the construct prop). */
export interface EventHookFrontDoorSetting {
  /**
   * Most requests one source IP may send in 5 minutes before WAF blocks it (WAF's rate-based rule, 10 at least).
   * @default 3000 (10 a second, over any Okta org's delivery rate)
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Source ranges (CIDR, IPv4) allowed to reach the hook, e.g. Okta's published ranges for the org's cell; every
   * other source is blocked. Okta publishes them at https://s3.amazonaws.com/okta-ip-ranges/ip_ranges.json.
   * @default any source
   */
  readonly allowedIpRanges?: readonly string[];
}

export interface EventHookFrontDoorProps {
  readonly hook: lambda.IFunction;
  readonly setting: EventHookFrontDoorSetting;
  readonly tracing: boolean;
  readonly logRetention: logs.RetentionDays;
}

const IPV4_CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
/** A Content-Length of 2,100,000 or more: 8 digits or more, 3–9 million, or 2.1–2.9 million. */
export const OVERSIZED_CONTENT_LENGTH = '^(\\d{8,}|[3-9]\\d{6}|2[1-9]\\d{5})$';

/** A REST API and its web ACL in front of the hook function. */
export class EventHookFrontDoor extends Construct {
  readonly api: apigateway.RestApi;
  readonly webAcl: wafv2.CfnWebACL;
  /** The URL to register in Okta, with `?connection=<name>`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: EventHookFrontDoorProps) {
    super(scope, id);
    const rateLimit = props.setting.rateLimitPer5Minutes ?? 3000;
    if (!Number.isInteger(rateLimit) || rateLimit < 10 || rateLimit > 2_000_000_000)
      throw new Error(
        `OktaConnector: eventHookFrontDoor.rateLimitPer5Minutes must be an integer from 10 (got ${rateLimit})`,
      );
    const ranges = props.setting.allowedIpRanges ?? [];
    for (const range of ranges)
      if (!IPV4_CIDR.test(range))
        throw new Error(`OktaConnector: eventHookFrontDoor.allowedIpRanges: "${range}" is not an IPv4 CIDR`);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'okta-connector event hook (behind AWS WAF)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'hook',
        tracingEnabled: props.tracing,
        // Over the hook's default reserved concurrency (200), so a burst Okta sends at once is not cut here first.
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const integration = new apigateway.LambdaIntegration(props.hook, { allowTestInvoke: false });
    // GET is Okta's one-time verification, POST its deliveries; the function answers anything else 405 itself.
    for (const method of ['GET', 'POST']) this.api.root.addMethod(method, integration);
    this.url = this.api.url;

    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: `OktaConnectorHook${name}`,
      sampledRequestsEnabled: true,
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'rate-per-ip',
        priority: 0,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP' } },
        visibilityConfig: visibility('RatePerIp'),
      },
      {
        // WAF reads at most the first 16 KB of a regional body, so the size is judged by Content-Length: a value of
        // 2,100,000 or more (over the hook's 2 MiB limit) is blocked before a Lambda invocation is spent on it.
        name: 'body-size',
        priority: 1,
        action: { block: {} },
        statement: {
          regexMatchStatement: {
            fieldToMatch: { singleHeader: { Name: 'content-length' } },
            regexString: OVERSIZED_CONTENT_LENGTH,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        visibilityConfig: visibility('BodySize'),
      },
    ];
    let defaultAction: wafv2.CfnWebACL.DefaultActionProperty = { allow: {} };
    if (ranges.length > 0) {
      const allowed = new wafv2.CfnIPSet(this, 'AllowedSources', {
        scope: 'REGIONAL',
        ipAddressVersion: 'IPV4',
        addresses: [...ranges],
        description: 'Sources allowed to reach the Okta event hook',
      });
      rules.push({
        name: 'allowed-sources',
        priority: 2,
        action: { allow: {} },
        statement: { ipSetReferenceStatement: { arn: allowed.attrArn } },
        visibilityConfig: visibility('AllowedSources'),
      });
      defaultAction = { block: {} };
    }
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction,
      rules,
      visibilityConfig: visibility('WebAcl'),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    for (const method of this.api.methods) {
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Okta cannot sign its event hook requests; the function authenticates each one with the hook secret in constant time.',
        },
        { id: 'AwsSolutions-COG4', reason: 'Okta cannot present a Cognito token; the hook secret authenticates.' },
      );
    }
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason: 'The function checks the body itself (delivery-check.ts) and answers every refusal with its status.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason: 'Access logs are on; execution logs need the account-wide CloudWatch role, not this construct’s.',
      },
    );
  }
}
