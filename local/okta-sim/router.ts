/**
 * Matches a request's method and path against the simulator's routes. Patterns are split into segments once;
 * `:name` segments capture (URL-decoded) values.
 */
import type { Route } from './types.js';

interface CompiledRoute {
  route: Route;
  segments: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export type RouteLookup =
  | { found: true; match: RouteMatch }
  /** `methodNotAllowed`: the path exists for another method (Okta answers 405 E0000022). */
  | { found: false; methodNotAllowed: boolean };

export interface Router {
  add(routes: Route[]): void;
  lookup(method: string, rawPath: string): RouteLookup;
}

export function createRouter(): Router {
  // Keyed by segment count: a lookup only tries routes of the same length.
  const bySize = new Map<number, CompiledRoute[]>();

  const matchSegments = (compiled: CompiledRoute, parts: string[]): Record<string, string> | undefined => {
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const expected = compiled.segments[i] as string;
      const actual = parts[i] as string;
      if (expected.startsWith(':')) {
        if (actual === '') return undefined;
        params[expected.slice(1)] = safeDecode(actual);
      } else if (expected !== actual) {
        return undefined;
      }
    }
    return params;
  };

  return {
    add(routes) {
      for (const route of routes) {
        const segments = route.pattern.split('/').slice(1);
        const list = bySize.get(segments.length) ?? [];
        list.push({ route, segments });
        bySize.set(segments.length, list);
      }
    },
    lookup(method, rawPath) {
      const trimmed = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
      const parts = trimmed.split('/').slice(1);
      let methodNotAllowed = false;
      // Literal segments win over parameters (`/users/me` style routes are registered before `/users/:id`).
      for (const compiled of bySize.get(parts.length) ?? []) {
        const params = matchSegments(compiled, parts);
        if (!params) continue;
        if (compiled.route.method !== method) {
          methodNotAllowed = true;
          continue;
        }
        return { found: true, match: { route: compiled.route, params } };
      }
      return { found: false, methodNotAllowed };
    },
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
