import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { actions } from '../../functions/catalog.js';
import { httpStatusOf } from '../../functions/lib/errors.js';
import { validateInput } from '../../functions/lib/actions/validate-input.js';
import {
  README_END,
  README_START,
  renderActionsMarkdown,
  renderReadmeSection,
} from '../../scripts/actions-markdown.js';
import { generatedDocs, packageVersion } from '../../scripts/generate-docs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

/** docs/CONTRACT.md §2, in its order. */
const CONTRACT_ACTIONS = [
  'activate-user',
  'add-user-to-group',
  'create-user',
  'update-user',
  'deactivate-user',
  'delete-user',
  'expire-password',
  'get-group-members',
  'get-groups-by-name',
  'get-logon-events-by-ip',
  'get-user-groups',
  'remove-user-from-group',
  'reset-password',
  'search-users',
  'suspend-user',
  'unsuspend-user',
  'get-user',
  'list-user-apps',
  'reset-forgotten-password',
  'clear-user-sessions',
  'reset-factors',
  'unlock-user',
  'reactivate-user',
  'okta-request',
];

const names = actions.map((a) => a.name);

describe('the action catalog', () => {
  it('lists exactly the actions of the contract, once each', () => {
    expect(names).toEqual(CONTRACT_ACTIONS);
  });

  it('agrees with the handler files in functions/actions (none missing, none extra)', () => {
    const files = readdirSync(`${ROOT}functions/actions`)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual([...names].sort());
    for (const action of actions) expect(action.entry).toBe(`functions/actions/${action.name}.ts`);
  });

  it('agrees with the OpenAPI document in docs/, which is up to date', () => {
    const document = JSON.parse(read('docs/openapi.json')) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      names.flatMap((n) => [`/actions/${n}`, `/connections/{connection}/actions/${n}`]),
    );
    expect(read('docs/openapi.json'), 'docs/openapi.json is stale: run npm run docs').toBe(
      generatedDocs(read('README.md'), packageVersion())['docs/openapi.json'],
    );
  });

  it('agrees with docs/ACTIONS.md, which is up to date', () => {
    const markdown = read('docs/ACTIONS.md');
    expect(markdown, 'docs/ACTIONS.md is stale: run npm run docs').toBe(renderActionsMarkdown(actions));
    expect([...markdown.matchAll(/^### (.+)$/gm)].map((m) => m[1])).toEqual(names);
  });

  it('agrees with the README actions section, which is up to date', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf(README_START), readme.indexOf(README_END) + README_END.length);
    expect(section, 'the README actions section is stale: run npm run docs').toBe(renderReadmeSection(actions));
    for (const name of names) expect(section).toContain(`| \`${name}\` |`);
  });

  it('never imports a handler (the CDK stack reads it)', () => {
    for (const file of ['functions/catalog.ts', 'functions/catalog-schemas.ts']) {
      const imports = [...read(file).matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(
        imports.every(
          (path) =>
            path === './lib/errors.js' || path === './lib/actions/json-schema.js' || path === './catalog-schemas.js',
        ),
      ).toBe(true);
    }
  });

  it.each(actions.map((a) => [a.name, a] as const))(
    '%s: input refuses unknown fields and takes connection',
    (_name, action) => {
      expect(action.input.type).toBe('object');
      expect(action.input.additionalProperties).toBe(false);
      expect(action.input.properties?.connection).toMatchObject({ type: 'string' });
      expect(action.input.required ?? []).not.toContain('connection');
    },
  );

  it.each(actions.map((a) => [a.name, a] as const))('%s: the example input passes the validator', (_name, action) => {
    expect(() => validateInput(action.input, action.example.input)).not.toThrow();
  });

  it.each(actions.map((a) => [a.name, a] as const))(
    '%s: schemas are valid JSON Schema and the example output fits',
    (_name, action) => {
      const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
      expect(ajv.validateSchema(action.input)).toBe(true);
      const validateOutput = ajv.compile(action.output);
      expect(validateOutput(action.example.output), JSON.stringify(validateOutput.errors)).toBe(true);
    },
  );

  it.each(actions.map((a) => [a.name, a] as const))(
    '%s: names its Okta scopes and contract error types',
    (_name, action) => {
      // okta-request alone needs the scopes of whatever endpoint it is given, which its description says.
      if (action.name === 'okta-request') expect(action.description).toContain('scopes are those of the endpoint');
      else expect(action.scopes.length).toBeGreaterThan(0);
      for (const scope of action.scopes) expect(scope).toMatch(/^okta\.(users|groups|apps|logs)\.(read|manage)$/);
      for (const type of ['InvalidInput', 'UnknownConnection', 'OktaAuthFailed', 'OktaRateLimited', 'InternalError']) {
        expect(action.errors).toContain(type);
      }
      for (const type of action.errors) expect(Object.keys(httpStatusOf)).toContain(type);
    },
  );
});

describe('the OpenAPI document built from the catalog', () => {
  const document = JSON.parse(read('docs/openapi.json')) as {
    openapi: string;
    security: unknown[];
    components: { securitySchemes: Record<string, Record<string, unknown>>; schemas: Record<string, unknown> };
    paths: Record<
      string,
      {
        post: {
          requestBody: { content: Record<string, { schema: { $ref: string } }> };
          responses: Record<
            string,
            {
              content: Record<
                string,
                { schema: { properties: { error: { properties: { type: { enum: string[] } } } } } }
              >;
            }
          >;
        };
      }
    >;
  };

  it('is OpenAPI 3.0 with IAM (SigV4) security', () => {
    expect(document.openapi).toMatch(/^3\.0\./);
    expect(document.security).toEqual([{ sigv4: [] }]);
    expect(document.components.securitySchemes.sigv4).toMatchObject({ 'x-amazon-apigateway-authtype': 'awsSigv4' });
  });

  it('takes the catalog input schema as the request body of each action', () => {
    const post = document.paths['/actions/get-user']!.post;
    expect(post.requestBody.content['application/json']!.schema.$ref).toBe('#/components/schemas/GetUserInput');
    expect(document.components.schemas.GetUserInput).toEqual(actions.find((a) => a.name === 'get-user')!.input);
  });

  it('answers 200 and one response per error status, each listing its error types', () => {
    const responses = document.paths['/actions/suspend-user']!.post.responses;
    expect(Object.keys(responses)).toEqual(['200', '400', '401', '403', '404', '409', '429', '500', '502']);
    const typesOf = (status: string) =>
      responses[status]!.content['application/json']!.schema.properties.error.properties.type.enum;
    expect(typesOf('400')).toEqual(['InvalidInput', 'UnknownConnection']);
    expect(typesOf('409')).toEqual(['InvalidUserState']);
  });
});
