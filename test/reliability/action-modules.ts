/** Loads an action's handler by its catalog name (the catalog's `entry`), once. */
import type { Context } from 'aws-lambda';
import { findAction } from '../../functions/catalog.js';

export type ActionLambda = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<{ handler: ActionLambda }>>();

export function loadAction(name: string): Promise<{ handler: ActionLambda }> {
  const spec = findAction(name);
  if (!spec) throw new Error(`no action ${name} in the catalog`);
  if (!loaded.has(name)) {
    const url = new URL(`../../${spec.entry}`, import.meta.url).href;
    loaded.set(name, import(/* @vite-ignore */ url) as Promise<{ handler: ActionLambda }>);
  }
  return loaded.get(name) as Promise<{ handler: ActionLambda }>;
}
