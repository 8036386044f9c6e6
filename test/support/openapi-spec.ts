/**
 * Okta's OpenAPI 3.0 documents, loaded once per process and prepared for a JSON Schema validator (ajv).
 *
 * The YAML is 3.4 MB and takes seconds to parse, so the prepared document is cached as JSON under
 * `node_modules/.cache/okta-openapi/`, keyed by the file's size and modification time.
 *
 * What is changed, and why (OpenAPI 3.0 is not JSON Schema):
 * - `nullable: true` becomes `anyOf: [<schema>, {type: 'null'}]`, which also works where there is no `type`.
 * - `oneOf` with a `discriminator.mapping` becomes a dispatch on the discriminator property (`if`/`then` per mapped
 *   value, plus an `enum` of the mapped values), as the discriminator means it. A plain `oneOf` would fail valid
 *   data: the spec's subtypes allow extra properties, so one object matches several of them.
 * - Any other `oneOf` is relaxed to `anyOf`, for the same reason.
 * - A `discriminator` without `oneOf` (the base of an `allOf` inheritance) is dropped: its mapping points to
 *   subtypes that include the base again, and dispatching there would recurse forever.
 * - `$ref`s are made absolute (`<id>#/components/...`), so any schema inside the document compiles on its own.
 * - `example(s)` are dropped to keep the cache small.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OPENAPI_DIR = join(ROOT, 'local', 'okta-sim', 'reference', 'openapi');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'okta-openapi');
/** Bump when the preparation below changes, so old caches are not reused. */
const PREPARATION_VERSION = 1;

export type SpecName = 'management' | 'oauth';

const FILES: Record<SpecName, string> = {
  management: 'management-oneOfInheritance.yaml',
  oauth: 'oauth-oneOfInheritance.yaml',
};

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

const loaded = new Map<SpecName, OpenApiDocument>();

/** The prepared document; `id` is what its `$ref`s are made absolute with (e.g. `okta-management`). */
export function loadSpec(name: SpecName): OpenApiDocument {
  const cachedInProcess = loaded.get(name);
  if (cachedInProcess) return cachedInProcess;
  const file = join(OPENAPI_DIR, FILES[name]);
  const { size, mtimeMs } = statSync(file);
  const cacheFile = join(CACHE_DIR, `${name}-${size}-${Math.floor(mtimeMs)}-v${PREPARATION_VERSION}.json`);
  let document: OpenApiDocument;
  try {
    document = JSON.parse(readFileSync(cacheFile, 'utf8')) as OpenApiDocument;
  } catch {
    document = prepare(parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as OpenApiDocument, specId(name));
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written beside and renamed, so a parallel test worker never reads half a file.
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(document));
    renameSync(partial, cacheFile);
  }
  loaded.set(name, document);
  return document;
}

export function specId(name: SpecName): string {
  return `okta-${name}`;
}

/** Keys whose value maps names to things; such a map is never itself a schema, even with a `nullable` entry. */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  'paths',
  'schemas',
  'responses',
  'content',
  'headers',
  'mapping',
]);

function prepare(document: OpenApiDocument, id: string): OpenApiDocument {
  // The YAML's anchors make some objects shared; each is prepared once.
  const seen = new WeakSet<object>();
  const visit = (node: unknown, parentKey: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, ''));
    if (typeof node !== 'object' || node === null || seen.has(node)) return node;
    const object = node as Record<string, unknown>;
    seen.add(object);
    if (!NAME_MAPS.has(parentKey)) {
      delete object.example;
      delete object.examples;
    }
    for (const [key, value] of Object.entries(object)) {
      if (key !== 'enum' && key !== 'const' && key !== 'default') object[key] = visit(value, key);
    }
    if (typeof object.$ref === 'string' && object.$ref.startsWith('#')) object.$ref = `${id}${object.$ref}`;
    return !NAME_MAPS.has(parentKey) && isSchemaLike(object) ? prepareSchema(object, id) : object;
  };
  return visit(document, '') as OpenApiDocument;
}

function isSchemaLike(object: Record<string, unknown>): boolean {
  return 'nullable' in object || 'discriminator' in object || 'oneOf' in object;
}

function prepareSchema(schema: Record<string, unknown>, id: string): Record<string, unknown> {
  const discriminator = schema.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
  delete schema.discriminator;
  if (Array.isArray(schema.oneOf)) {
    if (discriminator?.propertyName && discriminator.mapping) {
      const property = discriminator.propertyName;
      const mapping = Object.entries(discriminator.mapping);
      delete schema.oneOf;
      schema.required = [...new Set([...((schema.required as string[] | undefined) ?? []), property])];
      schema.properties = {
        ...(schema.properties as Record<string, unknown> | undefined),
        [property]: { enum: mapping.map(([value]) => value) },
      };
      schema.allOf = [
        ...((schema.allOf as unknown[] | undefined) ?? []),
        ...mapping.map(([value, target]) => ({
          if: { properties: { [property]: { const: value } }, required: [property] },
          then: { $ref: target.startsWith('#') ? `${id}${target}` : target },
        })),
      ];
    } else {
      schema.anyOf = schema.oneOf;
      delete schema.oneOf;
    }
  }
  if (schema.nullable === true) {
    delete schema.nullable;
    const copy = { ...schema };
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [copy, { type: 'null' }];
  } else {
    delete schema.nullable;
  }
  return schema;
}
