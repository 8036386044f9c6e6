/**
 * The operations of Okta's OpenAPI documents: found by method and path, with `$ref`s followed to the node they
 * name (and that node's JSON pointer, which the validator compiles schemas from).
 */
import type { OpenApiDocument, SpecName } from './openapi-spec.js';

export interface Operation {
  spec: SpecName;
  document: OpenApiDocument;
  template: string;
  method: string;
  /** JSON pointer of the operation object inside its document. */
  pointer: string;
  definition: {
    parameters?: unknown[];
    requestBody?: unknown;
    responses?: Record<string, unknown>;
  };
  pathParameters: Array<{ node: Parameter; pointer: string }>;
}

export interface RequestBody {
  required?: boolean;
  content?: Record<string, { schema?: unknown }>;
}

export interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Record<string, unknown>;
}

/** Follows `$ref`s from the node at `pointer`; the node it ends at, and that node's own pointer. */
export function deref<T>(operation: Operation, pointer: string): { node: T; pointer: string } {
  return derefIn<T>(operation.document, pointer);
}

function derefIn<T>(document: OpenApiDocument, pointer: string): { node: T; pointer: string } {
  let current = pointer;
  let node = atPointer(document, current) as { $ref?: string };
  for (let hops = 0; typeof node?.$ref === 'string' && hops < 10; hops++) {
    current = node.$ref.slice(node.$ref.indexOf('#') + 1);
    node = atPointer(document, current) as { $ref?: string };
  }
  return { node: node as T, pointer: current };
}

function atPointer(document: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment], document);
}

export function indexOperations(documents: Record<SpecName, OpenApiDocument>): Operation[] {
  const operations: Operation[] = [];
  for (const spec of ['management', 'oauth'] as const) {
    for (const [template, item] of Object.entries(documents[spec].paths)) {
      const itemPointer = `/paths/${escapePointer(template)}`;
      const pathParameters = ((item.parameters as unknown[] | undefined) ?? [])
        .map((_, index) => derefIn<Parameter>(documents[spec], `${itemPointer}/parameters/${index}`))
        .filter(({ node }) => node.in === 'path');
      for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
        if (!item[method]) continue;
        operations.push({
          spec,
          document: documents[spec],
          template,
          method,
          pointer: `/paths/${escapePointer(template)}/${method}`,
          definition: item[method],
          pathParameters,
        });
      }
    }
  }
  return operations;
}

/** The operation whose template fits the path; literal segments win over parameters (`/users/me`). */
export function findOperation(
  operations: Operation[],
  spec: SpecName,
  method: string,
  path: string,
): Operation | undefined {
  let best: { operation: Operation; literals: number } | undefined;
  for (const operation of operations) {
    if (operation.spec !== spec || operation.method !== method || !matchTemplate(operation.template, path)) continue;
    const literals = operation.template.split('/').filter((segment) => !segment.startsWith('{')).length;
    if (!best || literals > best.literals) best = { operation, literals };
  }
  return best?.operation;
}

export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  if (expected.length !== actual.length) return undefined;
  const values: Record<string, string> = {};
  for (let i = 0; i < expected.length; i++) {
    const segment = expected[i] as string;
    const match = /^\{(.+)\}$/.exec(segment);
    if (match) values[match[1] as string] = actual[i] as string;
    else if (segment !== actual[i]) return undefined;
  }
  return values;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
