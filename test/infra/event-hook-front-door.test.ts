import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { OVERSIZED_CONTENT_LENGTH } from '../../infra/event-hook-front-door.js';
import { OktaConnector, type OktaConnectorProps } from '../../infra/okta-connector.js';
import { synthesizeConstruct } from './synth-template.js';

type Resource = { Properties: Record<string, unknown> };
const withFrontDoor = (frontDoor: OktaConnectorProps['eventHookFrontDoor']) =>
  synthesizeConstruct(() => ({ eventHookFrontDoor: frontDoor }));

describe('eventHookFrontDoor (issue 14.6)', () => {
  const synth = withFrontDoor({ rateLimitPer5Minutes: 600, allowedIpRanges: ['3.0.0.0/24', '52.1.2.0/28'] });
  const acl = Object.values(synth.template.findResources('AWS::WAFv2::WebACL') as Record<string, Resource>)[0]!;
  const rules = acl.Properties.Rules as Array<{ Name: string; Action: unknown; Statement: Record<string, unknown> }>;

  it('puts the hook behind a regional REST API and deploys no Function URL that would bypass the WAF', () => {
    synth.template.resourceCountIs('AWS::Lambda::Url', 0);
    synth.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const methods = Object.values(synth.template.findResources('AWS::ApiGateway::Method') as Record<string, Resource>);
    const hookMethods = methods.filter((m) => JSON.stringify(m.Properties).includes('EventHookFrontDoor'));
    expect(hookMethods.map((m) => m.Properties.HttpMethod).sort()).toEqual(['GET', 'POST']);
    expect(synth.connector.eventHookUrl).toBeUndefined();
    expect(synth.connector.eventHookEndpoint).toBe(synth.connector.eventHookFrontDoor?.url);
  });

  it('associates a regional web ACL with the stage: a rate limit per IP, a size rule, and the allow list', () => {
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Block: {} } });
    expect(rules.map((r) => r.Name)).toEqual(['rate-per-ip', 'body-size', 'allowed-sources']);
    expect(rules[0]!.Statement).toEqual({ RateBasedStatement: { Limit: 600, AggregateKeyType: 'IP' } });
    expect(rules[1]!.Statement).toMatchObject({
      RegexMatchStatement: {
        FieldToMatch: { SingleHeader: { Name: 'content-length' } },
        RegexString: OVERSIZED_CONTENT_LENGTH,
      },
    });
    synth.template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Addresses: ['3.0.0.0/24', '52.1.2.0/28'],
      Scope: 'REGIONAL',
    });
    const associations = synth.template.findResources('AWS::WAFv2::WebACLAssociation') as Record<string, Resource>;
    expect(Object.values(associations)).toHaveLength(1);
  });

  it('blocks by Content-Length only what is over the 2 MiB a delivery may be', () => {
    const oversized = new RegExp(OVERSIZED_CONTENT_LENGTH);
    for (const length of ['0', '250000', '2097152', '2099999']) expect(oversized.test(length), length).toBe(false);
    for (const length of ['2100000', '5000000', '10485760', '123456789'])
      expect(oversized.test(length), length).toBe(true);
  });

  it('allows every source when no ranges are given, blocking only the flood and oversized bodies', () => {
    const open = withFrontDoor({});
    const openAcl = Object.values(open.template.findResources('AWS::WAFv2::WebACL') as Record<string, Resource>)[0]!;
    expect(openAcl.Properties.DefaultAction).toEqual({ Allow: {} });
    expect((openAcl.Properties.Rules as unknown[]).length).toBe(2);
    open.template.resourceCountIs('AWS::WAFv2::IPSet', 0);
  });

  it('deploys no WAF and keeps the Function URL without the prop', () => {
    const plain = synthesizeConstruct(() => ({}));
    plain.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    plain.template.resourceCountIs('AWS::Lambda::Url', 1);
  });

  it.each([
    [{ rateLimitPer5Minutes: 5 }, /rateLimitPer5Minutes/],
    [{ allowedIpRanges: ['okta.com'] }, /not an IPv4 CIDR/],
  ])('refuses %j', (setting, message) => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
    expect(() => new OktaConnector(stack, 'Okta', { eventHookFrontDoor: setting })).toThrow(message);
  });
});
