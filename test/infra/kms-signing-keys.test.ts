import { beforeAll, describe, expect, it } from 'vitest';
import { readAppSettings } from '../../infra/app-settings.js';
import type { ConnectorFunction } from '../../infra/connector-function.js';
import { resolveSettings } from '../../infra/okta-connector-props.js';
import {
  logicalIdOf as logicalId,
  resourcesOfType,
  roleStatementsOf,
  synthesize,
  type PolicyStatement,
  type Synthesized,
} from './synth-template.js';
import { match } from '../support/match.js';

// Issue 16 part 4: a KMS key per connection, which only the functions that sign in for that connection may use,
// for kms:Sign and kms:DescribeKey only (no function reads a public key; the CLI does, as the deployer).

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize({
    connections: ['acme', 'globex', 'initech'],
    defaultConnection: 'acme',
    authorizationCodeConnections: ['globex'],
    kmsSigningKeys: [{ connection: 'acme' }, { connection: 'initech', keySpec: 'RSA_2048' }],
    pinnedActions: { acme: ['get-user'], globex: ['get-user'] },
    searches: [{ connection: 'acme', name: 'admins', q: 'admin', schedule: 'rate(1 hour)', window: 'PT1H' }],
  });
});

const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => logicalId(synth, construct);
const keyArn = (connection: string) => ({
  'Fn::GetAtt': [logicalIdOf(synth.connector.signingKeys.get(connection)!), 'Arn'],
});

const statementsOf = (fn: ConnectorFunction): PolicyStatement[] => roleStatementsOf(synth, fn);

/** The KMS statements of a function's role. */
const kmsStatements = (fn: ConnectorFunction) =>
  statementsOf(fn).filter((s) => [s.Action].flat().some((action) => action.startsWith('kms:')));

describe('kmsSigningKeys: the keys', () => {
  it('creates one SIGN_VERIFY key per listed connection, of its key spec (ECC_NIST_P256 by default), retained', () => {
    const keys = Object.values(
      synth.template.findResources('AWS::KMS::Key') as Record<
        string,
        { Properties: { KeySpec: string; KeyUsage: string }; DeletionPolicy: string; UpdateReplacePolicy: string }
      >,
    );

    expect(keys.map((key) => key.Properties.KeySpec).sort()).toEqual(['ECC_NIST_P256', 'RSA_2048']);
    for (const key of keys) {
      expect(key.Properties.KeyUsage).toBe('SIGN_VERIFY');
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('outputs each key ARN, with the command that stores the connection', () => {
    const outputs = Object.values(synth.template.findOutputs('*'));
    const acme = outputs.find((o) => JSON.stringify(o.Value) === JSON.stringify(keyArn('acme')));

    expect(acme?.Description).toContain('okta-connector connections add acme --aws --kms-key-id');
    expect(outputs.some((o) => JSON.stringify(o.Value) === JSON.stringify(keyArn('initech')))).toBe(true);
  });
});

describe('kmsSigningKeys: who may sign', () => {
  it('lets every action sign with each key its connections have: kms:DescribeKey and kms:Sign, on those keys', () => {
    for (const [name, fn] of synth.connector.actionFunctions) {
      expect(kmsStatements(fn), name).toEqual([
        match.objectContaining({
          Action: ['kms:DescribeKey', 'kms:Sign'],
          Effect: 'Allow',
          Resource: [keyArn('acme'), keyArn('initech')],
        }),
      ]);
    }
  });

  it('lets the poller, the search and the replay sign (they sign in to Okta), and not the event hook', () => {
    for (const fn of [synth.connector.poller, synth.connector.search!, synth.connector.replay]) {
      expect(kmsStatements(fn)).toEqual([
        match.objectContaining({
          Action: ['kms:DescribeKey', 'kms:Sign'],
          Resource: [keyArn('acme'), keyArn('initech')],
        }),
      ]);
    }
    expect(kmsStatements(synth.connector.eventHook)).toEqual([]);
  });

  it('gives an action pinned to one connection that connection key only, and none to a connection without one', () => {
    expect(kmsStatements(synth.connector.pinnedFunction('acme', 'get-user'))).toEqual([
      match.objectContaining({ Resource: keyArn('acme') }),
    ]);
    expect(kmsStatements(synth.connector.pinnedFunction('globex', 'get-user'))).toEqual([]);
  });

  it('grants no function kms:GetPublicKey, no other KMS call and no KMS right on every key', () => {
    const statements = Object.values(resourcesOfType(synth, 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
    );
    const kmsActions = new Set(
      statements.flatMap((s) => [s.Action].flat()).filter((action) => action.toLowerCase().startsWith('kms:')),
    );
    expect([...kmsActions].sort()).toEqual(['kms:DescribeKey', 'kms:Sign']);
    for (const statement of statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')))) {
      expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
    }
  });
});

describe('kmsSigningKeys: settings', () => {
  it.each([
    [{ connection: 'nope' }, /kmsSigningKeys names an unknown connection "nope"/],
    [{ connection: 'globex' }, /"globex" signs in with the authorization-code flow/],
    [
      { connection: 'acme', keySpec: 'RSA_4096' as never },
      /keySpec "RSA_4096" of "acme" is not one of RSA_2048, ECC_NIST_P256/,
    ],
  ])('refuses %j, naming the setting', (key, message) => {
    expect(() =>
      resolveSettings({
        connections: ['acme', 'globex'],
        defaultConnection: 'acme',
        authorizationCodeConnections: ['globex'],
        kmsSigningKeys: [key],
      }),
    ).toThrow(message);
  });

  it('refuses a connection listed twice', () => {
    expect(() =>
      resolveSettings({
        connections: ['acme'],
        defaultConnection: 'acme',
        kmsSigningKeys: [{ connection: 'acme' }, { connection: 'acme' }],
      }),
    ).toThrow(/lists the connection "acme" twice/);
  });

  it('reads OKTA_KMS_SIGNING_KEYS as connection names or as JSON objects', () => {
    expect(
      readAppSettings(() => undefined, { OKTA_KMS_SIGNING_KEYS: 'acme, initech' }).connector.kmsSigningKeys,
    ).toEqual([{ connection: 'acme' }, { connection: 'initech' }]);
    const json = JSON.stringify([{ connection: 'acme', keySpec: 'RSA_2048' }]);
    expect(readAppSettings(() => undefined, { OKTA_KMS_SIGNING_KEYS: json }).connector.kmsSigningKeys).toEqual([
      { connection: 'acme', keySpec: 'RSA_2048' },
    ]);
  });

  it('refuses an OKTA_KMS_SIGNING_KEYS that is neither, naming the setting', () => {
    expect(() => readAppSettings(() => undefined, { OKTA_KMS_SIGNING_KEYS: '[{"keySpec":"RSA_2048"}]' })).toThrow(
      /Setting kmsSigningKeys: expected connection names/,
    );
  });
});
