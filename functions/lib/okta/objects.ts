/**
 * Okta objects as the actions return them: as Okta sent them, without the HAL `_links`. Links describe Okta's own
 * API (and "may not reflect" the allowed operations in a collection, CORE), so they are noise to a caller of the
 * connector. Only the object's own top-level `_links` is removed; `_embedded` (data asked for with `expand`) and
 * everything nested stay as Okta sent them.
 */

/** The object without its top-level `_links`; anything that is not an object is returned unchanged. */
export function withoutLinks<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if (!Object.hasOwn(value, '_links')) return value;
  const { _links: _ignored, ...rest } = value as Record<string, unknown>;
  return rest as T;
}

/** Each object of a list without its top-level `_links`. */
export function listWithoutLinks<T>(values: T[]): T[] {
  return values.map((value) => withoutLinks(value));
}
