/**
 * The package as a CDK user gets it: `npm pack` (which builds dist/), the tarball installed in a new CDK app
 * outside the repository, and that app run with plain `node app.mjs`, with no TypeScript loader. The functions are
 * bundled at synth by esbuild from the sources inside node_modules/okta-connector, so this also proves the bundles
 * build from an installed package. The install takes aws-cdk-lib and constructs at the versions this repository
 * tests with, from the npm cache when it has them (`--prefer-offline`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../support/match.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const APP = `import { App, Stack } from 'aws-cdk-lib';
import { OktaConnector, actionNames, errorTypes } from 'okta-connector';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer');
const okta = new OktaConnector(stack, 'Okta', {
  connections: ['acme', 'globex'],
  defaultConnection: 'acme',
  searches: [
    { connection: 'acme', name: 'failed-sign-ins', filter: 'outcome.result eq "FAILURE"', schedule: 'rate(15 minutes)', window: 'PT15M' },
  ],
  stepFunctionsExample: true,
});
if (okta.actionFunctions.size !== actionNames.length) throw new Error('not one function per action');
if (!errorTypes.includes('OktaRateLimited')) throw new Error('errorTypes lacks OktaRateLimited');
app.synth();
`;

// Type-checked with the repository's TypeScript: the declarations alone must describe the API.
const TYPED_APP = `import { App, Stack } from 'aws-cdk-lib';
import { OktaConnector, type ActionName, type ErrorType, type OktaConnectorProps, type OktaEventDetail } from 'okta-connector';

const props: OktaConnectorProps = { connections: ['acme'], defaultConnection: 'acme' };
const okta = new OktaConnector(new Stack(new App(), 'Typed'), 'Okta', props);
const name: ActionName = 'get-user';
// @ts-expect-error: ActionName lists the actions, so a name that is none fails to compile.
const unknown: ActionName = 'no-such-action';
const retried: ErrorType[] = ['OktaRateLimited'];
const detail = {} as OktaEventDetail;
export const used = [okta.actionFunctions.get(name), unknown, retried, detail['okta-connector'].connection];
`;

let folder: string;
let template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
/** Runs a command with its output captured (shown only in the error when it fails). */
const run = (command: string, args: string[], cwd = folder) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'okta-connector-consumer-'));
  const packed = JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', folder], REPOSITORY)) as Array<{
    filename: string;
  }>;
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run(NPM, [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    path.join(folder, packed[0]!.filename),
    `aws-cdk-lib@${versionOf('aws-cdk-lib')}`,
    `constructs@${versionOf('constructs')}`,
  ]);
  writeFileSync(path.join(folder, 'app.mjs'), APP);
  run(process.execPath, ['app.mjs']);
  template = JSON.parse(
    readFileSync(path.join(folder, 'cdk.out', 'Consumer.template.json'), 'utf8'),
  ) as typeof template;
}, 300_000);
afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const resourcesOf = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type);

describe('okta-connector installed from its tarball in a CDK app outside the repository', () => {
  it('ships the compiled construct and the function sources, not the tests or the local sandbox', () => {
    const installed = path.join(folder, 'node_modules', 'okta-connector');
    expect(readdirSync(installed).sort()).toEqual(
      match.arrayContaining(['dist', 'functions', 'bin', 'package.json', 'LICENSE', 'README.md']),
    );
    expect(readdirSync(installed)).not.toContain('test');
    expect(readdirSync(installed)).not.toContain('local');
    expect(readdirSync(path.join(installed, 'bin'))).toEqual(['okta-connector.js']);
  });

  it('synthesizes with node alone: two connections polled, a search, the Step Functions example', () => {
    const schedules = resourcesOf('AWS::Scheduler::Schedule').map((s) => JSON.stringify(s.Properties));
    expect(schedules.filter((s) => s.includes('"connection\\":\\"acme\\"')).length).toBeGreaterThanOrEqual(1);
    expect(schedules.filter((s) => s.includes('"connection\\":\\"globex\\"')).length).toBeGreaterThanOrEqual(1);
    expect(schedules.some((s) => s.includes('failed-sign-ins'))).toBe(true);
    // The onboarding example and the "contain a compromised account" example (every action is deployed).
    expect(resourcesOf('AWS::StepFunctions::StateMachine')).toHaveLength(2);
    const functions = resourcesOf('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(19 + 4);
  });

  it('bundles every function with esbuild from the installed sources (an asset per function in cdk.out)', () => {
    const assets = readdirSync(path.join(folder, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(resourcesOf('AWS::Lambda::Function').length - 1);
    const bundle = readFileSync(path.join(folder, 'cdk.out', assets[0]!, 'index.mjs'), 'utf8');
    expect(bundle.length).toBeGreaterThan(10_000);
  });

  it('type-checks a TypeScript app against the declarations, never the .ts sources', () => {
    writeFileSync(path.join(folder, 'typed-app.ts'), TYPED_APP);
    const tsc = spawnSync(
      process.execPath,
      [
        require.resolve('typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--listFiles',
        'typed-app.ts',
      ],
      { cwd: folder, encoding: 'utf8' },
    );
    expect(
      tsc.status,
      tsc.stdout
        .split('\n')
        .filter((line) => line.includes('error'))
        .join('\n'),
    ).toBe(0);
    const compiledFromPackage = tsc.stdout
      .split('\n')
      .filter((file) => file.includes('node_modules/okta-connector/'))
      .filter((file) => !file.endsWith('.d.ts'));
    expect(compiledFromPackage).toEqual([]);
    expect(tsc.stdout).toContain('node_modules/okta-connector/dist/infra/index.d.ts');
  }, 120_000); // tsc reads aws-cdk-lib's declarations: seconds alone, much longer on a loaded machine

  it('runs the installed CLI: --help prints the usage on stdout and nothing on stderr', () => {
    const cli = spawnSync(path.join(folder, 'node_modules', '.bin', 'okta-connector'), ['--help'], {
      cwd: folder,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^Usage: okta-connector <command>/);
    expect(cli.stdout).toMatch(/invoke[\s\S]*connections[\s\S]*events tail[\s\S]*replay/);
    expect(cli.stderr).toBe('');
  });
});
