import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The import directions docs/ARCHITECTURE.md draws, checked on the sources (type-only imports included).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourcesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The repository-relative files a source imports or re-exports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  specifiers.push(...[...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1]!));
  return specifiers.map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts'));
}

const functionSources = sourcesUnder('functions');
// In oauth/, beside the handlers: the consent's pages and the deps its three handlers share.
const isHandler = (file: string) =>
  /^functions\/(actions|triggers|oauth)\//.test(file) && !/consent-(pages|deps)\.ts$/.test(file);
const graph = new Map(functionSources.map((file) => [file, importsOf(file)]));

describe('import directions', () => {
  it('keeps functions/ free of local/, infra/ and bench/ (what runs on Lambda does not know the sandbox)', () => {
    const offending = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => /^(local|infra|bench|bin|test)\//.test(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('never lets a handler import another handler', () => {
    const offending = [...graph].flatMap(([file, imports]) =>
      isHandler(file) ? imports.filter(isHandler).map((target) => `${file} -> ${target}`) : [],
    );
    expect(offending).toEqual([]);
  });

  it('never lets the core import a handler', () => {
    const offending = [...graph].flatMap(([file, imports]) =>
      file.startsWith('functions/lib/') ? imports.filter(isHandler).map((target) => `${file} -> ${target}`) : [],
    );
    expect(offending).toEqual([]);
  });

  it('has no import cycle in functions/, type-only imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('reads every handler and core file (the check sees the tree)', () => {
    expect(functionSources.filter(isHandler).length).toBeGreaterThanOrEqual(19);
    expect(functionSources.filter((f) => f.startsWith('functions/lib/')).length).toBeGreaterThanOrEqual(30);
  });
});
