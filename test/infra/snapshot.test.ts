import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actions, type ActionSpec } from '../../functions/catalog.js';
import { OktaConnector } from '../../infra/okta-connector.js';
import { fullContext } from './synth-template.js';

// The snapshot covers the stack's structure with three actions of fixed text and schema, so an edit of the catalog's
// wording or schemas does not churn it; okta-connector.test.ts checks every real catalog action.
const fixtureActions: ActionSpec[] = actions
  .filter((spec) => ['create-user', 'add-user-to-group', 'activate-user'].includes(spec.name))
  .map((spec) => ({
    ...spec,
    summary: `The ${spec.name} action.`,
    input: {
      type: 'object',
      required: ['userId'],
      properties: { userId: { type: 'string', minLength: 1 } },
      additionalProperties: false,
    },
  }));

describe('OktaConnector template', () => {
  it('matches the reviewed snapshot (after reviewing a diff, update with `npx vitest run test/infra/snapshot.test.ts -u`)', async () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'OktaConnector');
    const { connections, defaultConnection, authorizationCodeConnections, searches, stepFunctionsExample } =
      fullContext;
    new OktaConnector(stack, 'OktaConnector', {
      connections,
      defaultConnection,
      authorizationCodeConnections,
      searches,
      stepFunctionsExample,
      actions: fixtureActions,
    });
    // Asset keys hash the code's absolute path when bundling is skipped, so they differ per checkout: not structure.
    const template = JSON.stringify(Template.fromStack(stack).toJSON(), null, 2).replace(
      /"[0-9a-f]{64}\.zip"/g,
      '"<asset>.zip"',
    );
    await expect(`${template}\n`).toMatchFileSnapshot('__snapshots__/okta-connector.template.json');
  });
});
