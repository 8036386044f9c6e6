import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderApiMarkdown } from '../../scripts/api-markdown.js';

const GENERATED = renderApiMarkdown();

/** The rows of one interface's table in API.md: property, type, default, description. */
function rowsOf(markdown: string, name: string): string[][] {
  const section = markdown.split(`## interface ${name}\n`)[1]!.split('\n## ')[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.slice(2, -2).split(' | '));
}

describe('API.md', () => {
  it('is up to date with infra/index.ts (npm run docs)', () => {
    expect(readFileSync(new URL('../../API.md', import.meta.url), 'utf8'), 'API.md is stale: run npm run docs').toBe(
      GENERATED,
    );
  });

  it('documents the construct, its props and the catalog names a CDK app uses', () => {
    for (const heading of [
      '## class OktaConnector',
      '## interface OktaConnectorProps',
      '## interface SearchSetting',
      '### ErrorType',
      '### ActionName',
      '### OktaEventDetail',
    ]) {
      expect(GENERATED).toContain(`${heading}\n`);
    }
    expect(GENERATED).toMatch(/\| `actionNames` \|/);
    expect(GENERATED).toMatch(/\| `errorTypes` \|/);
  });

  it('gives every optional prop of OktaConnectorProps its default and a description', () => {
    const rows = rowsOf(GENERATED, 'OktaConnectorProps');
    expect(rows.length).toBeGreaterThan(15);
    for (const [property, , defaultText, description] of rows) {
      expect(property).toMatch(/\?`$/);
      expect({ property, defaultText: defaultText!.trim() !== '', described: description!.trim() !== '' }).toEqual({
        property,
        defaultText: true,
        described: true,
      });
    }
  });
});
