/**
 * The bad-input matrix of the actions, derived from the catalog so no action and no field is missed: for each
 * action, inputs that must be refused with a CONTRACT error whose message names what is wrong. The triggers' rows
 * are written out in bad-input.test.ts.
 */
import { actions, type ActionSpec, type JsonSchema } from '../../functions/catalog.js';
import type { ErrorType } from '../../functions/lib/errors.js';

export interface BadInputCase {
  action: string;
  /** The row's kind, as the docs' table groups them. */
  kind: string;
  /** The API Gateway body as sent (so it can be malformed JSON). */
  body: string;
  type: ErrorType;
  /** What the message must contain to help (a field name, a word). */
  message: RegExp;
  /** Sent to `POST /connections/{connection}/actions/<name>` with this connection, not to `/actions/<name>`. */
  pathConnection?: string;
}

/** Ids that would move the Okta URL they are put in (raw and percent-encoded traversal, slashes). */
export const pathBreakers = [
  '../groups',
  '..%2F..%2Fapps',
  '%2e%2e',
  '%2E%2E%2Fapps',
  'a/b',
  'a%2Fb',
  'a\\b',
  '..',
  '%5c',
];
/** Values that close a quoted search value and add an operator of their own. */
export const SMUGGLED_SEARCH_VALUE = 'Sales" or profile.name sw "';
const FOUR_BYTE = 'Ren\u{1F600}e';
const HUGE = 'x'.repeat(300_000);

/** A value of the wrong JSON type for a schema. */
function wrongTypeFor(schema: JsonSchema): unknown {
  switch (schema.type) {
    case 'string':
      return 12_345;
    case 'boolean':
      return 'yes';
    case 'integer':
    case 'number':
      return 'ten';
    case 'object':
      return 'not-an-object';
    case 'array':
      return { not: 'an array' };
    default:
      return undefined;
  }
}

const json = (value: unknown) => JSON.stringify(value);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every bad input of one action. */
export function casesOf(spec: ActionSpec): BadInputCase[] {
  const base = spec.example.input;
  const properties = Object.entries<JsonSchema>(spec.input.properties ?? {});
  const row = (kind: string, body: string, type: ErrorType, message: RegExp): BadInputCase => ({
    action: spec.name,
    kind,
    body,
    type,
    message,
  });
  const rows: BadInputCase[] = [
    row('malformed JSON', json(base).slice(0, -3), 'InvalidInput', /JSON/i),
    row('empty body', '', 'InvalidInput', /./),
    row('not an object', json([base]), 'InvalidInput', /object/i),
    row('unknown field', json({ ...base, isAdmin: true }), 'InvalidInput', /isAdmin/),
    row(
      'unknown connection',
      json({ ...base, connection: 'no-such-connection' }),
      'UnknownConnection',
      /no-such-connection/,
    ),
    row('connection name with ../', json({ ...base, connection: '../default' }), 'InvalidInput', /connection/),
    // Issue 14 item 2: the per-connection route's connection is the call's; a body cannot move it.
    {
      ...row(
        'per-connection route, a body naming another',
        json({ ...base, connection: 'prod' }),
        'InvalidInput',
        /connection: must be "default"/,
      ),
      pathConnection: 'default',
    },
    {
      ...row('per-connection route, no connection name in the path', json(base), 'InvalidInput', /connection/),
      pathConnection: '..%2Fdefault',
    },
  ];
  for (const field of spec.input.required ?? []) {
    const { [field]: _omitted, ...rest } = base;
    rows.push(row(`missing ${field}`, json(rest), 'InvalidInput', new RegExp(escape(field))));
  }
  const alternatives = [...(spec.input.oneOf ?? []), ...(spec.input.anyOf ?? [])].flatMap(
    (alternative) => alternative.required ?? [],
  );
  if (alternatives.length > 0) {
    const rest = Object.fromEntries(Object.entries(base).filter(([key]) => !alternatives.includes(key)));
    rows.push(
      row(
        `none of ${alternatives.join(', ')}`,
        json(rest),
        'InvalidInput',
        new RegExp(alternatives.map(escape).join('|')),
      ),
    );
  }
  for (const [field, schema] of properties) {
    const wrong = wrongTypeFor(schema);
    if (wrong !== undefined)
      rows.push(
        row(`wrong type: ${field}`, json({ ...base, [field]: wrong }), 'InvalidInput', new RegExp(escape(field))),
      );
    if (schema.type === 'string') {
      rows.push(
        row(`huge string: ${field}`, json({ ...base, [field]: HUGE }), 'InvalidInput', new RegExp(escape(field))),
      );
      rows.push(
        row(
          `4-byte characters: ${field}`,
          json({ ...base, [field]: FOUR_BYTE }),
          'InvalidInput',
          new RegExp(escape(field)),
        ),
      );
    }
    if (schema.type === 'array') {
      rows.push(
        row(
          `huge array: ${field}`,
          json({ ...base, [field]: Array.from({ length: 10_000 }, (_, i) => `00g${i}`) }),
          'InvalidInput',
          new RegExp(escape(field)),
        ),
      );
    }
    if (schema.format === 'path-segment') {
      for (const value of pathBreakers)
        rows.push(
          row(
            `path in id: ${field} = ${value}`,
            json({ ...base, [field]: value }),
            'InvalidInput',
            new RegExp(escape(field)),
          ),
        );
    }
    if (schema.type === 'object' && schema.properties) {
      for (const [inner, innerSchema] of Object.entries(schema.properties)) {
        if (innerSchema.type !== 'string') continue;
        const nested = { ...(base[field] as Record<string, unknown> | undefined), [inner]: FOUR_BYTE };
        rows.push(
          row(
            `4-byte characters: ${field}.${inner}`,
            json({ ...base, [field]: nested }),
            'InvalidInput',
            new RegExp(escape(`${field}.${inner}`)),
          ),
        );
      }
    }
  }
  if (spec.name === 'okta-request') {
    for (const path of ['https://evil.example.com/api/v1/users', '//evil.example.com/api/v1', '/api/v1/../admin'])
      rows.push(row(`path outside the org's API: ${path}`, json({ ...base, path }), 'InvalidInput', /path/));
    // In a whole path a plain slash is a separator, not a breaker.
    for (const value of pathBreakers.filter((breaker) => breaker !== 'a/b'))
      rows.push(
        row(
          `path traversal: /api/v1/users/${value}`,
          json({ ...base, path: `/api/v1/users/${value}` }),
          'InvalidInput',
          /path/,
        ),
      );
  }
  if (properties.some(([field]) => field === 'userId') && spec.scopes.some((scope) => scope.endsWith('.manage'))) {
    rows.push(row('userId "me" on a changing action', json({ ...base, userId: 'me' }), 'InvalidInput', /userId/));
  }
  // Written as text: JSON.stringify itself overflows on this depth.
  const nested = '['.repeat(20_000) + ']'.repeat(20_000);
  const withNested = `${json(base).slice(0, -1)}${Object.keys(base).length > 0 ? ',' : ''}"connection":${nested}}`;
  rows.push(row('20,000 nested arrays', withNested, 'InvalidInput', /nests deeper/));
  rows.push(row('Object.prototype name as field', json({ ...base, constructor: 'x' }), 'InvalidInput', /constructor/));
  if (spec.name === 'get-logon-events-by-ip') {
    rows.push(
      row(
        'operator smuggled: ipAddress',
        json({ ...base, ipAddress: '184.73.186.14" or eventType pr "' }),
        'InvalidInput',
        /ipAddress/,
      ),
    );
  }
  return rows;
}

/** The whole matrix, every action of the catalog. */
export const actionCases: BadInputCase[] = actions.flatMap(casesOf);

/** Connection secrets whose domain must be refused (docs/CONTRACT.md §4), as deployed (no local exception). */
export const badDomains: Record<string, string> = {
  'ip-domain': '10.0.0.1',
  'ipv6-domain': '[::1]',
  'localhost-domain': 'localhost',
  'local-port-domain': 'http://127.0.0.1:8080',
  'internal-domain': 'okta.corp.internal',
  'admin-domain': 'acme-admin.okta.com',
  'http-domain': 'http://acme.okta.com',
  'path-domain': 'https://acme.okta.com/../api',
  'wildcard-dns-domain': '169.254.169.254.nip.io',
  'idna-domain': 'xn--acme-9na.okta.com',
  'homograph-domain': 'acme.\u043ekta.com',
};
