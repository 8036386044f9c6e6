import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlesFromCdkOut } from '../../../local/cdk-bundles.js';
import { createLocalRuntime } from '../../../local/runtime.js';

// A cdk.out as `cdk synth` writes it: a template whose function role says `Runs <entry>`, and the asset's bundle.
const ENTRY = 'test/integration/local/fixtures/value-handler.ts';
let cdkOut: string;

beforeAll(async () => {
  cdkOut = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  mkdirSync(join(cdkOut, 'asset.abc'));
  await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(cdkOut, 'asset.abc', 'index.mjs'),
    logLevel: 'silent',
  });
  writeFileSync(
    join(cdkOut, 'Stack.template.json'),
    JSON.stringify({
      Resources: {
        FnRole: { Type: 'AWS::IAM::Role', Properties: { Description: `Runs ${ENTRY}` } },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Handler: 'index.handler', Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } },
          Metadata: { 'aws:asset:path': 'asset.abc' },
        },
      },
    }),
  );
});
afterAll(() => rmSync(cdkOut, { recursive: true, force: true }));

describe('bundles from cdk.out', () => {
  it('finds the bundle of each handler entry', () => {
    expect(bundlesFromCdkOut(cdkOut)).toEqual({ [ENTRY]: join(cdkOut, 'asset.abc', 'index.mjs') });
  });

  it('runs the bundle in the local runtime', async () => {
    const runtime = createLocalRuntime({ bundles: bundlesFromCdkOut(cdkOut) });
    const outcome = await runtime.invoke({ name: 'value', entry: ENTRY }, { value: 'bundled' });

    expect(outcome).toMatchObject({ ok: true, result: 'bundled' });
  });

  it('says to synthesize first when there is no template', () => {
    expect(() => bundlesFromCdkOut(join(cdkOut, 'missing'))).toThrow(/npx cdk synth/);
  });
});
