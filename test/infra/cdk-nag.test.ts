import { Validations, type PolicyViolation } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { synthesize, synthesizeConstruct, type Synthesized } from './synth-template.js';

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

/** Every finding of both packs that no acknowledgement covers, errors and warnings alike. */
function unacknowledgedFindings(app: IConstruct): string[] {
  const violations: PolicyViolation[] = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap(
    (pack) => pack.validateScope(app).violations,
  );
  return violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
  );
}

let full: Synthesized;

beforeAll(() => {
  full = synthesize();
});

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  it('find nothing unacknowledged with every optional part (two connections, OAuth, searches, the example)', () => {
    expect(unacknowledgedFindings(full.app)).toEqual([]);
  });

  // Each configuration leaves different resources to check.
  it.each([
    ['the defaults', {}],
    [
      'an API key and tracing off',
      { apiAuth: 'insecureApiKeyNonProduction', tracing: false, stepFunctionsExample: true },
    ],
    [
      'KMS signing keys (issue 16 part 4)',
      {
        connections: ['acme', 'globex'],
        defaultConnection: 'acme',
        kmsSigningKeys: [{ connection: 'acme' }, { connection: 'globex', keySpec: 'RSA_2048' }],
      },
    ],
  ])('find nothing unacknowledged with %s', (_label, context) => {
    expect(unacknowledgedFindings(synthesize(context).app)).toEqual([]);
  });

  it('find nothing unacknowledged with a Cognito authorizer', () => {
    const { app } = synthesizeConstruct((stack) => ({
      apiAuth: { type: 'cognito', userPools: [cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_example')] },
    }));
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  it('find nothing unacknowledged with the event hook behind its WAF front door', () => {
    const { app } = synthesizeConstruct(() => ({ eventHookFrontDoor: { allowedIpRanges: ['3.0.0.0/24'] } }));
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  it('see a reason of a full sentence on every acknowledgement', () => {
    const all = acknowledgements(full.app);
    expect(all.length).toBeGreaterThan(0);
    for (const ack of all) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
  });

  it('see acknowledgements on named constructs only, never on the whole stack or app', () => {
    const broad = acknowledgements(full.app).filter(
      (ack) => ack.path === full.app.node.path || ack.path === full.stack.node.path,
    );
    expect(broad).toEqual([]);
  });
});
