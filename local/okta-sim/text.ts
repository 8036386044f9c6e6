/**
 * A JSON value as the simulated org compares, sorts and indexes it: a string as it is, a number or boolean as its
 * text, nothing (undefined, null) as '', an object or array as its JSON (never "[object Object]").
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}
