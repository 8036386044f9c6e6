/**
 * The actions' documentation as Markdown, rendered from the catalog: `docs/ACTIONS.md` and the README's section
 * between `<!-- actions:start -->` and `<!-- actions:end -->`. Pure functions: `generate-docs.ts` writes the
 * files, and a test checks that the files in the repo equal what these render.
 */
import type { ActionSpec, JsonSchema } from '../functions/catalog.js';
import { httpStatusOf } from '../functions/lib/errors.js';

export const README_START = '<!-- actions:start -->';
export const README_END = '<!-- actions:end -->';

/** The Step Functions task shown in the docs: a direct invoke with `Retry` on rate limits and `Catch` on not found. */
export const stepFunctionsTaskExample = {
  SuspendUser: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: {
      FunctionName: '${SuspendUserFunctionArn}',
      Payload: { 'userId.$': '$.userId', connection: 'default' },
    },
    OutputPath: '$.Payload',
    Retry: [
      { ErrorEquals: ['OktaRateLimited'], IntervalSeconds: 30, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
      { ErrorEquals: ['OktaUnavailable'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 },
    ],
    Catch: [{ ErrorEquals: ['OktaNotFound'], ResultPath: '$.error', Next: 'UserNotFound' }],
    Next: 'Done',
  },
};

/** `docs/ACTIONS.md`. */
export function renderActionsMarkdown(actions: readonly ActionSpec[]): string {
  const lines: string[] = [
    '# Actions',
    '',
    '<!-- Generated from functions/catalog.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Each action is one Lambda function, reachable three ways with the same input and output JSON:',
    '',
    '- API Gateway (REST, IAM auth): `POST /actions/<name>`, body = input (see [openapi.json](openapi.json)); or',
    '  `POST /connections/<connection>/actions/<name>`, which runs only against that connection (an input naming',
    '  another one is `InvalidInput`), so IAM can grant a caller one connection: see "Who may call which action" in',
    '  the README.',
    '- Direct invoke, as a Step Functions task (`arn:aws:states:::lambda:invoke`) or with the SDK: payload = input.',
    '- Locally: `POST {ACTIONS_URL}/actions/<name>` while `npm start` runs, with `Content-Type: application/json`.',
    '',
    'Every input may carry `"connection": "<name>"` to use another Okta org than the deployment\'s default one.',
    'Unknown fields are refused; every bad field is named in the `InvalidInput` message. Strings may not contain',
    'characters that need 4 bytes in UTF-8 (emoji): Okta does not store them.',
    '',
    '**Okta objects** (users, groups, log events, app links) come back as Okta sends them, except that each',
    "object's own top-level `_links` is removed (links describe Okta's API, not the connector's); `_embedded` and",
    'nested fields are kept.',
    '',
    '**Lifecycle actions are safe to retry:** `activate-user`, `deactivate-user`, `suspend-user` and',
    '`unsuspend-user` read the user first and answer `"changed": false` when the user is already in the target',
    'status. A transition Okta does not allow is `InvalidUserState`, whose message names the current status.',
    '`unlock-user` answers `"changed": false` for an ACTIVE user (Okta refuses it with 403 E0000032, and a fresh',
    'read tells it from a user in another status, which is `InvalidUserState`).',
    '',
    '**Security response.** To contain a compromised account: `suspend-user`, `clear-user-sessions` with',
    '`revokeOAuthTokens: true`, `reset-factors` (the example state machine `ContainAccount` does this, with `Retry` and',
    '`Catch` on the error types). `clear-user-sessions` ends Okta sessions, not the sessions apps keep themselves.',
    "Okta's Universal Logout also signs the user out of apps that support it: `POST /oauth2/v1/global-token-revocation`",
    'with `{"sub_id": {"format": "opaque", "id": "<user id>"}}`; it needs the Universal Logout feature on the org (not',
    'in every SKU) and the scope `okta.universalLogout.manage` (or an API token of an admin allowed to); send it',
    'with `okta-request`.',
    '',
    '**`okta-request` is the most powerful action:** its IAM permission lets the caller do anything the',
    "connection's credentials may do in Okta. Only a GET is sent again after a 5xx, a timeout or a reset; a write is",
    'retried only after a 429 or when it never reached Okta, because Okta may have acted on a write it did not',
    'answer (a DELETE of a user deactivates, then deletes).',
    '',
    '## Errors',
    '',
    'Over HTTP: the status below and `{"error": {"type", "message", "oktaErrorCode"?, "oktaErrorId"?, "causes"?,',
    '"retryAfterSeconds"?}}`. On direct invoke: a thrown error whose `name` (Step Functions `Error`) is the type;',
    'Lambda returns only its `errorType` and `errorMessage`, so a `retryAfterSeconds` is also in the message, as',
    '`(retryAfterSeconds: 12)` at its end.',
    '',
    '| type | HTTP |',
    '|---|---|',
    ...Object.entries(httpStatusOf).map(([type, status]) => `| \`${type}\` | ${status} |`),
    '',
    '## Calling an action from Step Functions',
    '',
    '```json',
    JSON.stringify(stepFunctionsTaskExample, null, 2),
    '```',
    '',
    '## The actions',
    '',
    ...actions.map((a) => `- [\`${a.name}\`](#${a.name}): ${a.summary}`),
    '',
  ];
  for (const action of actions) lines.push(...renderAction(action));
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderAction(action: ActionSpec): string[] {
  const scopes = action.scopes.map((s) => `\`${s}\``).join(', ');
  return [
    `### ${action.name}`,
    '',
    `${action.summary} ${action.description}`,
    '',
    `Okta OAuth scopes: ${scopes || 'none'}. Errors: ${action.errors.map((e) => `\`${e}\``).join(', ')}.`,
    '',
    '| input | type | required | default | notes |',
    '|---|---|---|---|---|',
    ...inputRows(action.input),
    ...branchNotes(action.input),
    '',
    'Example input:',
    '',
    '```json',
    JSON.stringify(action.example.input, null, 2),
    '```',
    '',
    'Example output:',
    '',
    '```json',
    JSON.stringify(action.example.output, null, 2),
    '```',
    '',
  ];
}

function inputRows(schema: JsonSchema, prefix = ''): string[] {
  const required = new Set(schema.required ?? []);
  const rows: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    const def = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
    rows.push(`| \`${path}\` | ${typeOf(field)} | ${required.has(name) ? 'yes' : ''} | ${def} | ${notesOf(field)} |`);
    if (field.type === 'object' && field.properties) rows.push(...inputRows(field, `${path}.`));
  }
  return rows;
}

function branchNotes(schema: JsonSchema): string[] {
  const notes: string[] = [];
  const names = (branches: readonly JsonSchema[]) =>
    branches
      .flatMap((b) => b.required ?? [])
      .map((n) => `\`${n}\``)
      .join(', ');
  if (schema.oneOf) notes.push('', `Exactly one of ${names(schema.oneOf)} is required.`);
  if (schema.anyOf) notes.push('', `At least one of ${names(schema.anyOf)} is required.`);
  return notes;
}

function typeOf(field: JsonSchema): string {
  if (field.type === 'array') return `array of ${field.items?.type ?? 'any'}`;
  return field.type ?? 'any';
}

function notesOf(field: JsonSchema): string {
  const notes: string[] = [];
  if (field.enum) notes.push(`one of ${field.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (field.format)
    notes.push(`format ${field.format === 'path-segment' ? 'id or login (no `/`, `\\`, `..`)' : field.format}`);
  if (field.minimum !== undefined || field.maximum !== undefined)
    notes.push(`${field.minimum ?? ''}..${field.maximum ?? ''}`);
  if (field.maxLength !== undefined) notes.push(`at most ${field.maxLength} characters`);
  if (field.maxItems !== undefined) notes.push(`at most ${field.maxItems} items`);
  if (field.pattern !== undefined) notes.push(`matches \`${field.pattern}\``);
  if (field.description) notes.push(field.description);
  if (field.type === 'object' && field.additionalProperties !== false && !field.properties) notes.push('free-form');
  return notes.join('; ').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The README section: each action with an example input and output, and the Step Functions task. */
export function renderReadmeSection(actions: readonly ActionSpec[]): string {
  const lines = [
    README_START,
    '<!-- Generated from functions/catalog.ts by `npm run docs`; do not edit between these markers. -->',
    '',
    '## Actions',
    '',
    'Call an action with `POST /actions/<name>` or `POST /connections/<connection>/actions/<name>` (API Gateway,',
    'IAM auth) or invoke its Lambda directly, e.g. as a',
    'Step Functions task; the input and output are the same JSON. Add `"connection": "<name>"` to any input to use',
    'another Okta org. Inputs, errors and Okta scopes of each action: [docs/ACTIONS.md](docs/ACTIONS.md); the',
    'OpenAPI document: [docs/openapi.json](docs/openapi.json).',
    '',
    '| action | example input | example output (long Okta objects shortened with …) |',
    '|---|---|---|',
    ...actions.map((a) => `| \`${a.name}\` | ${cell(a.example.input)} | ${cell(a.example.output)} |`),
    '',
    "A Step Functions task that suspends a user, retries while Okta's rate limit lasts and catches a missing user:",
    '',
    '```json',
    JSON.stringify(stepFunctionsTaskExample, null, 2),
    '```',
    README_END,
  ];
  return lines.join('\n');
}

/** An example as one-line JSON in a table cell; a long Okta object shows its first fields and `…` (full in ACTIONS.md). */
function cell(value: unknown): string {
  let json = JSON.stringify(value);
  if (json.length > 220 && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    const fields = entries.slice(0, 3).map(([k, v]) => `${JSON.stringify(k)}:${brief(v)}`);
    json = `{${fields.join(',')}${entries.length > 3 ? ', …' : ''}}`;
  }
  return `\`${json.replace(/\|/g, '\\|')}\``;
}

function brief(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : '[{…}]';
  if (typeof value === 'object' && value !== null) return '{…}';
  return JSON.stringify(value);
}

/** The README with its actions section replaced, or appended at the end when the markers are missing. */
export function withReadmeSection(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n${section}\n`;
  return `${readme.slice(0, start)}${section}${readme.slice(end + README_END.length)}`;
}
