/**
 * The esbuild bundles that `cdk synth` wrote to `cdk.out`, found per handler entry, so the local runtime can run
 * exactly what would be deployed. Each function's role is described `Runs <entry>` (infra/connector-function.ts);
 * the function's `aws:asset:path` metadata names its bundle folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './runtime.js';

interface TemplateResource {
  Type: string;
  Properties?: { Description?: string; Handler?: string; Role?: { 'Fn::GetAtt'?: [string, string] } };
  Metadata?: { 'aws:asset:path'?: string };
}

/** Maps each handler entry (e.g. `functions/actions/get-user.ts`) to its bundle file; throws when there is none. */
export function bundlesFromCdkOut(cdkOut = resolve(REPO_ROOT, 'cdk.out')): Record<string, string> {
  const templates = existsSync(cdkOut) ? readdirSync(cdkOut).filter((f) => f.endsWith('.template.json')) : [];
  if (templates.length === 0)
    throw new Error(`No synthesized template in ${cdkOut}: run \`npx cdk synth\` first to build the bundles`);
  const bundles: Record<string, string> = {};
  for (const template of templates) {
    const resources =
      (JSON.parse(readFileSync(join(cdkOut, template), 'utf8')) as { Resources?: Record<string, TemplateResource> })
        .Resources ?? {};
    for (const fn of Object.values(resources)) {
      const asset = fn.Metadata?.['aws:asset:path'];
      const roleId = fn.Properties?.Role?.['Fn::GetAtt']?.[0];
      if (fn.Type !== 'AWS::Lambda::Function' || !asset || !roleId) continue;
      const entry = /^Runs (\S+)$/.exec(resources[roleId]?.Properties?.Description ?? '')?.[1];
      const file = ['index.mjs', 'index.js'].map((name) => join(cdkOut, asset, name)).find((path) => existsSync(path));
      if (entry && file) bundles[entry] = file;
    }
  }
  return bundles;
}
