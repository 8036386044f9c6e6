/**
 * `npm run docs`: writes what is generated from the action catalog: `docs/openapi.json`, `docs/ACTIONS.md` and
 * the README's actions section (between its markers, nothing else of the README is touched).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { actions } from '../functions/catalog.js';
import { buildOpenApiDocument } from '../infra/openapi.js';
import { renderActionsMarkdown, renderReadmeSection, withReadmeSection } from './actions-markdown.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The generated files' contents, by path relative to the repository root. */
export function generatedDocs(readme: string, version: string): Record<string, string> {
  return {
    'docs/openapi.json': `${JSON.stringify(buildOpenApiDocument(actions, { version }), null, 2)}\n`,
    'docs/ACTIONS.md': renderActionsMarkdown(actions),
    'README.md': withReadmeSection(readme, renderReadmeSection(actions)),
  };
}

/** The version in package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}

function main(): void {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  for (const [path, content] of Object.entries(generatedDocs(readme, packageVersion()))) {
    writeFileSync(`${root}${path}`, content);
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
