import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalLambda, type LocalLambda } from '../../../local/lambda-endpoint.js';
import { createLocalRuntime } from '../../../local/runtime.js';

// The real SDK client, configured only through the AWS_ENDPOINT_URL_LAMBDA environment variable.
const FIXTURES = 'test/integration/local/fixtures';
let lambda: LocalLambda;
let client: LambdaClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  lambda = await startLocalLambda({
    runtime: createLocalRuntime(),
    functions: [
      { name: 'value', entry: `${FIXTURES}/value-handler.ts` },
      { name: 'failing', entry: `${FIXTURES}/failing-handler.ts` },
    ],
  });
  process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.url;
  client = new LambdaClient({ maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await lambda.close();
  process.env = savedEnv;
});

const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decoded = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;

describe('local Lambda Invoke API', () => {
  it("returns the function's result as the payload", async () => {
    const result = await client.send(
      new InvokeCommand({ FunctionName: 'okta-connector-value', Payload: payload({ value: { userId: '00u1' } }) }),
    );

    expect(result.StatusCode).toBe(200);
    expect(result.FunctionError).toBeUndefined();
    expect(decoded(result.Payload)).toEqual({ userId: '00u1' });
  });

  it('finds a function by its ARN', async () => {
    const result = await client.send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:okta-connector-value',
        Payload: payload({ value: 1 }),
      }),
    );

    expect(decoded(result.Payload)).toBe(1);
  });

  it('reports a thrown error as an Unhandled function error with its type, as Step Functions sees it', async () => {
    const result = await client.send(
      new InvokeCommand({ FunctionName: 'okta-connector-failing', Payload: payload({}) }),
    );

    expect(result.FunctionError).toBe('Unhandled');
    expect(decoded(result.Payload)).toMatchObject({ errorType: 'OktaNotFound', errorMessage: 'No user 00u1' });
  });

  it('accepts an asynchronous (Event) invocation with 202', async () => {
    const result = await client.send(
      new InvokeCommand({ FunctionName: 'okta-connector-value', InvocationType: 'Event', Payload: payload({}) }),
    );

    expect(result.StatusCode).toBe(202);
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'okta-connector-nope', Payload: payload({}) })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
