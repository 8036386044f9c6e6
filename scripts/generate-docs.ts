/**
 * `npm run docs`: writes what is generated from the action catalog: `docs/openapi.json`, `docs/ACTIONS.md` and
 * the README's actions section (between its markers, nothing else of the README is touched); and the event
 * schemas in docs/schemas/ from infra/event-schemas.ts; and API.md from infra/index.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { actions } from '../functions/catalog.js';
import { eventSchemaFiles } from '../infra/event-schemas.js';
import { buildOpenApiDocument } from '../infra/openapi.js';
import { renderActionsMarkdown, renderReadmeSection, withReadmeSection } from './actions-markdown.js';
import { renderApiMarkdown } from './api-markdown.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The generated files' contents, by path relative to the repository root. */
export function generatedDocs(readme: string, version: string): Record<string, string> {
  return {
    'docs/openapi.json': `${JSON.stringify(buildOpenApiDocument(actions, { version }), null, 2)}\n`,
    'docs/ACTIONS.md': renderActionsMarkdown(actions),
    'README.md': withReadmeSection(readme, renderReadmeSection(actions)),
    ...eventSchemaFiles(),
  };
}

/** The version in package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
}

function main(): void {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  // API.md is read from the compiled program, a few seconds: apart from the catalog's docs, which tests build often.
  const files = { ...generatedDocs(readme, packageVersion()), 'API.md': renderApiMarkdown() };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(`${ROOT}${file}`), { recursive: true });
    writeFileSync(`${ROOT}${file}`, content);
    console.log(`wrote ${file}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
