/**
 * Bundles a function the way the CDK stack deploys it (infra/connector-function.ts): one ESM file, minified, for
 * platform node and target node22, with everything it imports bundled (the AWS SDK included) and a linked source
 * map. The banner gives CommonJS dependencies the `require` an ES module lacks, as the stack's does. Sizes are of
 * the code file, raw and gzipped (the map is deployed beside it but read only with --enable-source-maps).
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

export interface Bundle {
  /** Absolute path of the bundled `.mjs` file. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Where the bench keeps what it builds (ignored by git). */
export const WORK_DIR = resolve('.local/bench');

const REQUIRE_BANNER =
  "import { createRequire as __benchCreateRequire } from 'node:module';" +
  'const require = __benchCreateRequire(import.meta.url);';

/**
 * `node-fetch` 2 ships an ES module (`module`) whose default export is the function, and the Okta SDK
 * `require`s it expecting the function itself; with the stack's `mainFields` (module first) the bundled SDK gets
 * the module namespace and every call fails with "nodeFetch is not a function". A user bundling the SDK this way
 * has to point `node-fetch` at its CommonJS build, as this does; it changes nothing for the connector, which does
 * not use node-fetch.
 */
const nodeFetchAsCommonJs: Plugin = {
  name: 'node-fetch-as-commonjs',
  setup(b) {
    b.onResolve({ filter: /^node-fetch$/ }, () => ({ path: resolve('node_modules/node-fetch/lib/index.js') }));
  },
};

/** Bundles `entry` (a path from the repo root) into `<workDir>/bundles/<name>.mjs`. */
export async function bundleFunction(entry: string, name: string): Promise<Bundle> {
  const outdir = join(WORK_DIR, 'bundles');
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, `${name}.mjs`);
  await build({
    entryPoints: [resolve(entry)],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: 'linked',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    plugins: [nodeFetchAsCommonJs],
    logLevel: 'silent',
  });
  return { file, bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file)).length };
}

/**
 * Bundles one of the bench's own probe scripts (run by plain `node`, so no TypeScript loader sits in the
 * measured process). Not minified: it is not measured, only run.
 */
export async function bundleProbe(entry: string, name: string): Promise<string> {
  const outdir = join(WORK_DIR, 'probes');
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, `${name}.mjs`);
  await build({
    entryPoints: [resolve(entry)],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: REQUIRE_BANNER },
    logLevel: 'silent',
  });
  return file;
}
