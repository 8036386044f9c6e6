/**
 * The parts of the project the bench measures, and whether each exists yet. The bench runs while the project is
 * being built: a missing part is reported as missing, never replaced by a figure.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The 19 actions of docs/CONTRACT.md §2 (used when `functions/catalog.ts` is not there to list them). */
export const contractActions = [
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
] as const;

export const triggers = ['event-hook', 'poll-system-log', 'scheduled-search', 'replay'] as const;

/** The functions written with `@okta/okta-sdk-nodejs` in `bench/peers/`, by the connector function they mirror. */
export const peers: Record<string, string> = {
  'get-user': 'bench/peers/get-user.ts',
  'search-users': 'bench/peers/search-users.ts',
  'get-group-members': 'bench/peers/get-group-members.ts',
  'poll-system-log': 'bench/peers/poll-system-log.ts',
};

/** The OAuth first-consent functions (`functions/oauth/<name>.ts`), measured as `oauth-<name>`. */
export const oauthFunctions = ['authorize', 'callback'] as const;

export interface ConnectorFunction {
  name: string;
  kind: 'action' | 'trigger' | 'oauth';
  /** The handler file, from the repository root. */
  entry: string;
  exists: boolean;
}

/** Every connector function: the catalog's actions (or the contract's list), the triggers and the OAuth consent. */
export async function connectorFunctions(): Promise<ConnectorFunction[]> {
  const actions = await catalogActions();
  const list: ConnectorFunction[] = actions.map((a) => ({
    name: a.name,
    kind: 'action',
    entry: a.entry,
    exists: existsSync(a.entry),
  }));
  for (const name of triggers) {
    const entry = `functions/triggers/${name}.ts`;
    list.push({ name, kind: 'trigger', entry, exists: existsSync(entry) });
  }
  for (const name of oauthFunctions) {
    const entry = `functions/oauth/${name}.ts`;
    list.push({ name: `oauth-${name}`, kind: 'oauth', entry, exists: existsSync(entry) });
  }
  return list;
}

async function catalogActions(): Promise<Array<{ name: string; entry: string }>> {
  const catalog = 'functions/catalog.ts';
  if (existsSync(catalog)) {
    try {
      const module = (await import(pathToFileURL(resolve(catalog)).href)) as {
        actions?: Array<{ name: string; entry: string }>;
      };
      if (Array.isArray(module.actions) && module.actions.length > 0) return module.actions;
    } catch {
      // A catalog that does not load yet: fall back to the contract's list below.
    }
  }
  return contractActions.map((name) => ({ name, entry: `functions/actions/${name}.ts` }));
}

/** Imports a module of the project that may not exist yet; undefined (not a throw) when it is absent. */
export async function importIfPresent<T>(path: string): Promise<T | undefined> {
  if (!existsSync(resolve(path))) return undefined;
  return (await import(pathToFileURL(resolve(path)).href)) as T;
}
