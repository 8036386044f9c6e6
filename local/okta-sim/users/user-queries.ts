/**
 * The three ways to query users (facts §1 #14), each with Okta's own subset:
 * - `search`: SCIM with `eq`, `sw`, `co` (only on profile.firstName, lastName, email, login), `gt/ge/lt/le`,
 *   `pr`, `and`, `or`, parentheses. `ne` is not supported (Okta says to write `(status lt "X" or status gt "X")`).
 * - `filter`: only status, lastUpdated, id, profile.login/email/firstName/lastName; `eq` only, except lastUpdated
 *   which also takes gt/ge/lt/le; no `not`.
 * - `q`: starts-with on firstName, lastName or email.
 * A malformed expression is 400 E0000031 "Invalid search criteria." for both (UNVERIFIED which of E0000031 and
 * E0000053 Okta's users endpoint uses for syntax errors; E0000031 is the one its docs tie to unsupported
 * operators, so it is used for both here).
 */
import {
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
  walkComparisons,
  type FilterExpression,
} from '../scim-filter.js';
import { OktaApiError } from '../errors.js';
import { asText } from '../text.js';

const CONTAINS_ATTRIBUTES = new Set(['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login']);
const SEARCH_ATTRIBUTE =
  /^(id|status|created|activated|statusChanged|lastUpdated|lastLogin|passwordChanged|type\.id|profile\.[A-Za-z0-9_]+)$/;
const FILTER_ATTRIBUTES = new Set([
  'status',
  'lastUpdated',
  'id',
  'profile.login',
  'profile.email',
  'profile.firstName',
  'profile.lastName',
]);

export type UserPredicate = (view: Record<string, unknown>) => boolean;

/** Parses and checks a `search` expression; throws E0000031 when Okta would refuse it. */
export function parseUserSearch(search: string): UserPredicate {
  return parseChecked(search, (attribute, operator) => {
    if (!SEARCH_ATTRIBUTE.test(attribute)) return `Unsupported attribute: ${attribute}`;
    if (operator === 'ne') return 'The "ne" operator is not supported';
    if (operator === 'ew') return 'The "ew" operator is not supported';
    if (operator === 'co' && !CONTAINS_ATTRIBUTES.has(attribute))
      return `The "co" operator is not supported on ${attribute}`;
    return undefined;
  });
}

/** Parses and checks a `filter` expression. */
export function parseUserFilter(filter: string): UserPredicate {
  return parseChecked(
    filter,
    (attribute, operator) => {
      if (!FILTER_ATTRIBUTES.has(attribute)) return `Unsupported filter attribute: ${attribute}`;
      if (operator === 'eq') return undefined;
      if (attribute === 'lastUpdated' && ['gt', 'ge', 'lt', 'le'].includes(operator)) return undefined;
      return `The "${operator}" operator is not supported in filter`;
    },
    'The "not" operator is not supported in filter',
  );
}

/** `q`: a starts-with match on first name, last name or email (case-insensitive). */
export function userQueryPredicate(q: string): UserPredicate {
  const prefix = q.toLowerCase();
  return (view) => {
    const profile = view.profile as Record<string, unknown>;
    return ['firstName', 'lastName', 'email'].some((name) => asText(profile[name]).toLowerCase().startsWith(prefix));
  };
}

function parseChecked(
  text: string,
  check: (attribute: string, operator: string) => string | undefined,
  notRefusal?: string,
): UserPredicate {
  let expression: FilterExpression;
  try {
    expression = parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError)
      throw new OktaApiError('E0000031', { causes: [`Invalid search criteria: ${error.message}`] });
    throw error;
  }
  const problems: string[] = [];
  walkComparisons(
    expression,
    (comparison) => {
      const problem = check(comparison.attribute, comparison.operator);
      if (problem) problems.push(problem);
    },
    () => {
      if (notRefusal) problems.push(notRefusal);
    },
  );
  if (problems.length > 0) throw new OktaApiError('E0000031', { causes: problems });
  return (view) => matchesFilter(expression, view);
}
