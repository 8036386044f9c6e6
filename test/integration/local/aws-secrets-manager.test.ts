import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';

// The real SDK client, configured only through the AWS_ENDPOINT_URL_SECRETS_MANAGER environment variable.
let aws: LocalAws;
let client: SecretsManagerClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  aws = await startLocalAws();
  Object.assign(process.env, aws.env());
  client = new SecretsManagerClient({});
});
afterAll(async () => {
  client.destroy();
  await aws.close();
  process.env = savedEnv;
});

describe('local Secrets Manager', () => {
  it('creates a secret and returns its AWSCURRENT value', async () => {
    const created = await client.send(
      new CreateSecretCommand({ Name: 'okta-connector/create', SecretString: '{"domain":"a"}' }),
    );
    const read = await client.send(new GetSecretValueCommand({ SecretId: 'okta-connector/create' }));

    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:okta-connector\/create-\w{6}$/);
    expect(read).toMatchObject({
      Name: 'okta-connector/create',
      SecretString: '{"domain":"a"}',
      VersionId: created.VersionId,
      VersionStages: ['AWSCURRENT'],
    });
    expect(read.CreatedDate).toBeInstanceOf(Date);
  });

  it('reads a secret by its ARN', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'by-arn', SecretString: 'v' }));
    const read = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));

    expect(read.SecretString).toBe('v');
  });

  it('moves AWSCURRENT to a new version and the old one to AWSPREVIOUS on PutSecretValue', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'rotated', SecretString: 'one' }));
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'rotated', SecretString: 'two' }));

    const current = await client.send(new GetSecretValueCommand({ SecretId: 'rotated' }));
    const previous = await client.send(new GetSecretValueCommand({ SecretId: 'rotated', VersionStage: 'AWSPREVIOUS' }));
    const byId = await client.send(new GetSecretValueCommand({ SecretId: 'rotated', VersionId: created.VersionId }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect(current).toMatchObject({ SecretString: 'two', VersionId: put.VersionId });
    expect(previous).toMatchObject({
      SecretString: 'one',
      VersionId: created.VersionId,
      VersionStages: ['AWSPREVIOUS'],
    });
    expect(byId.SecretString).toBe('one');
  });

  it('treats a retried PutSecretValue with the same token as the same version', async () => {
    await client.send(new CreateSecretCommand({ Name: 'idempotent', SecretString: 'one' }));
    const token = 'a1b2c3d4-0000-4000-8000-000000000001';
    const first = await client.send(
      new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'two', ClientRequestToken: token }),
    );
    const again = await client.send(
      new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'two', ClientRequestToken: token }),
    );

    expect(again.VersionId).toBe(first.VersionId);
    await expect(
      client.send(
        new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'other', ClientRequestToken: token }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('counts the reads of a secret and can refuse them with AccessDeniedException, as IAM outside a role', async () => {
    aws.secrets.put('counted', { a: 1 });
    await client.send(new GetSecretValueCommand({ SecretId: 'counted' }));
    await client.send(new GetSecretValueCommand({ SecretId: 'missing-counted' })).catch(() => undefined);
    expect(aws.secrets.reads('counted')).toBe(1);
    expect(aws.secrets.reads('missing-counted')).toBe(1);
    aws.secrets.denyReads('counted');
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'counted' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(aws.secrets.reads('counted')).toBe(2);
  });

  it('answers ResourceNotFoundException (400) for a missing secret', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'okta-connector/missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers ResourceNotFoundException for a secret that has no value yet', async () => {
    await client.send(new CreateSecretCommand({ Name: 'empty' }));
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'empty' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('answers ResourceExistsException when creating a secret twice', async () => {
    await client.send(new CreateSecretCommand({ Name: 'twice', SecretString: 'x' }));
    await expect(client.send(new CreateSecretCommand({ Name: 'twice', SecretString: 'y' }))).rejects.toBeInstanceOf(
      ResourceExistsException,
    );
  });

  it('answers InvalidRequestException for a value that is both string and binary', async () => {
    await expect(
      client.send(new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: new Uint8Array([1]) })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
  });

  it('keeps a binary secret as bytes', async () => {
    await client.send(new CreateSecretCommand({ Name: 'binary', SecretBinary: new Uint8Array([1, 2, 3]) }));
    const read = await client.send(new GetSecretValueCommand({ SecretId: 'binary' }));

    expect([...(read.SecretBinary ?? [])]).toEqual([1, 2, 3]);
  });

  it('lists secrets filtered by name prefix, page by page', async () => {
    for (const name of ['list/a', 'list/b', 'list/c'])
      await client.send(new CreateSecretCommand({ Name: name, SecretString: name }));

    const first = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['list/'] }], MaxResults: 2 }),
    );
    const second = await client.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: ['list/'] }],
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );

    expect(first.SecretList?.map((s) => s.Name)).toEqual(['list/a', 'list/b']);
    expect(second.SecretList?.map((s) => s.Name)).toEqual(['list/c']);
    expect(second.NextToken).toBeUndefined();
    expect(Object.values(first.SecretList?.[0]?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
  });

  it('describes a secret with its versions and stages', async () => {
    await client.send(new CreateSecretCommand({ Name: 'described', SecretString: '1', Description: 'a connection' }));
    await client.send(new PutSecretValueCommand({ SecretId: 'described', SecretString: '2' }));
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'described' }));

    expect(described.Description).toBe('a connection');
    expect(Object.values(described.VersionIdsToStages ?? {}).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
  });

  it('shares secrets with the test API (put and get)', async () => {
    aws.secrets.put('shared', { domain: 'x' });
    await client.send(new PutSecretValueCommand({ SecretId: 'shared', SecretString: '{"domain":"y"}' }));

    expect(aws.secrets.get('shared')).toBe('{"domain":"y"}');
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const response = await fetch(aws.endpoints.secretsManager, {
      method: 'POST',
      headers: { 'x-amz-target': 'secretsmanager.DeleteSecret', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('holds the writes it is told to hold: never stored, never answered, and the next one stored', async () => {
    aws.secrets.put('okta-connector/held', '{"v":1}');
    let heard = 0;
    aws.secrets.holdWrites('okta-connector/held', 1, () => (heard += 1));
    const held = client.send(new PutSecretValueCommand({ SecretId: 'okta-connector/held', SecretString: '{"v":2}' }), {
      abortSignal: AbortSignal.timeout(500),
    });

    await expect(held).rejects.toThrow();
    expect(heard).toBe(1);
    expect(aws.secrets.get('okta-connector/held')).toBe('{"v":1}');
    await client.send(new PutSecretValueCommand({ SecretId: 'okta-connector/held', SecretString: '{"v":3}' }));
    expect(aws.secrets.get('okta-connector/held')).toBe('{"v":3}');
    expect(aws.secrets.versionsWritten('okta-connector/held')).toBe(2);
  });
});
