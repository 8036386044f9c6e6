/**
 * The AWS ecosystem's own checks on what the stack creates: cfn-lint on the templates of the default app and of a
 * configuration with every option on (no error-level finding), and the Amazon States Language validator on every
 * state machine definition and on the README's Step Functions snippet.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import validateAsl from 'asl-validator';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import type { OktaConnectorProps } from '../../infra/okta-connector-props.js';
import { fullContext, synthesize, synthesizeConstruct } from './synth-template.js';

/** Every option of the construct set to something other than its default. */
function everyOption(stack: import('aws-cdk-lib').Stack): OktaConnectorProps {
  return {
    ...fullContext,
    oauthRedirectUri: 'https://okta.example.com/oauth/callback',
    secretPrefix: 'okta/',
    pollSchedule: 'rate(5 minutes)',
    bus: { type: 'new', name: 'okta-events' },
    apiAuth: { type: 'cognito', userPools: [new cognito.UserPool(stack, 'Pool')], scopes: ['okta/actions'] },
    tracing: false,
    logRetention: logs.RetentionDays.ONE_YEAR,
    eventSource: 'acme.okta',
    dedupeTtlDays: 14,
    rateLimitReserve: 0.2,
    eventHookConcurrency: 20,
    pollerLagAlarmSeconds: 600,
    eventSchemas: true,
  };
}

const templates: Record<string, Template> = {
  'the default app': synthesize({}).template,
  'every option on': synthesizeConstruct(everyOption).template,
};

const FOLDER = mkdtempSync(path.join(tmpdir(), 'okta-connector-cfn-lint-'));
afterAll(() => rmSync(FOLDER, { recursive: true, force: true }));

interface CfnLintFinding {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Location: { Path?: unknown[] };
}

/** cfn-lint's findings on one template; fails (never skips) where cfn-lint is not installed. */
function cfnLint(name: string, template: Template): CfnLintFinding[] {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'cfn-lint is not installed: `pip install cfn-lint` (https://github.com/aws-cloudformation/cfn-lint)',
    );
  }
  const file = path.join(FOLDER, `${name.replace(/\W+/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(template.toJSON()));
  // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); the JSON says which.
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== null && (run.status & 1) === 1) throw new Error(`cfn-lint failed to run: ${run.stderr}`);
  return JSON.parse(run.stdout || '[]') as CfnLintFinding[];
}

const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** A template value with its intrinsic functions resolved: pseudo parameters, and a function ARN for the rest. */
function resolveJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const { 'Fn::Join': join, Ref: ref } = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (join) return join[1].map(resolveJoin).join(join[0]);
  return (ref && pseudoParameters[ref]) ?? 'arn:aws:lambda:us-east-1:123456789012:function:placeholder';
}

function stateMachineDefinitions(template: Template): Record<string, unknown> {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  return Object.fromEntries(
    Object.entries(machines).map(([id, resource]) => [
      id,
      JSON.parse(resolveJoin((resource as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString)),
    ]),
  );
}

describe('cfn-lint', () => {
  for (const [name, template] of Object.entries(templates)) {
    it(`finds no error in the template of ${name}`, () => {
      const errors = cfnLint(name, template)
        .filter((finding) => finding.Level === 'Error')
        .map((finding) => `${finding.Rule.Id} ${finding.Message} at ${JSON.stringify(finding.Location.Path)}`);
      expect(errors).toEqual([]);
    });
  }

  it('is the cfn-lint this test ran (it reports a broken template as an error)', () => {
    const broken = { toJSON: () => ({ Resources: { Bad: { Type: 'AWS::SQS::Queue', Properties: { Nope: 1 } } } }) };
    const findings = cfnLint('broken', broken as unknown as Template);
    expect(findings.some((finding) => finding.Level === 'Error')).toBe(true);
  });
});

describe('Amazon States Language', () => {
  for (const [name, template] of Object.entries(templates)) {
    it(`accepts every state machine of ${name}`, () => {
      const definitions = stateMachineDefinitions(template);
      for (const [id, definition] of Object.entries(definitions)) {
        expect({ id, ...validateAsl(definition) }).toMatchObject({ id, isValid: true, errors: [] });
      }
      // The onboarding and contain-a-compromised-account examples.
      if (name === 'every option on') expect(Object.keys(definitions)).toHaveLength(2);
    });
  }

  it("accepts the README's Step Functions snippet inside a state machine", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const snippet = /A Step Functions task[^\n]*\n\n```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(snippet, 'the snippet after "A Step Functions task" in README.md').toBeDefined();
    const states = JSON.parse(snippet!) as Record<string, unknown>;
    // The snippet is one task; the states it names as Next and in Catch complete the machine.
    const definition = {
      StartAt: Object.keys(states)[0],
      States: { ...states, UserNotFound: { Type: 'Fail' }, Done: { Type: 'Succeed' } },
    };
    expect(validateAsl(definition)).toMatchObject({ isValid: true, errors: [] });
  });

  it('refuses a definition with a state that does not exist (the validator is in force)', () => {
    const result = validateAsl({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } });
    expect(result.isValid).toBe(false);
  });
});
