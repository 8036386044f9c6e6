/**
 * The SCIM filter language Okta uses in `search` and `filter` parameters: comparisons (`eq`, `ne`, `co`, `sw`,
 * `ew`, `gt`, `ge`, `lt`, `le`), `pr`, `and`, `or`, `not (...)` and parentheses. Each endpoint accepts a different
 * subset; it checks the parsed expression with `walkComparisons` and answers with its own error code.
 * Attribute names are case-sensitive; operators and string values are not (Okta users API).
 */
import { asText } from './text.js';

export type ComparisonOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';

export type FilterExpression =
  | { kind: 'and' | 'or'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; expression: FilterExpression }
  | { kind: 'compare'; attribute: string; operator: ComparisonOperator; value: string | number | boolean | null };

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

const OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);

type Token = { type: 'word' | 'string' | 'open' | 'close' | 'bracket'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i] as string;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'open' : 'close', text: char });
      i++;
    } else if (char === '[' || char === ']') {
      tokens.push({ type: 'bracket', text: char });
      i++;
    } else if (char === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      if (i >= input.length) throw new FilterSyntaxError('unterminated string');
      tokens.push({ type: 'string', text });
      i++;
    } else {
      let text = '';
      while (i < input.length && !/[\s()"[\]]/.test(input[i] as string)) text += input[i++];
      tokens.push({ type: 'word', text });
    }
  }
  return tokens;
}

/** Parses a filter; throws `FilterSyntaxError` on anything malformed (including `[ ]` value paths). */
export function parseFilter(input: string): FilterExpression {
  const tokens = tokenize(input);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isWord = (token: Token | undefined, word: string): boolean =>
    token?.type === 'word' && token.text.toLowerCase() === word;

  const parseOr = (): FilterExpression => {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      position++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpression => {
    let left = parseUnary();
    while (isWord(peek(), 'and')) {
      position++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterExpression => {
    const token = peek();
    if (isWord(token, 'not')) {
      position++;
      if (peek()?.type !== 'open') throw new FilterSyntaxError('not must be followed by (');
      return { kind: 'not', expression: parseUnary() };
    }
    if (token?.type === 'open') {
      position++;
      const inner = parseOr();
      if (peek()?.type !== 'close') throw new FilterSyntaxError('missing )');
      position++;
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): FilterExpression => {
    const attribute = tokens[position++];
    const operator = tokens[position++];
    if (attribute?.type !== 'word' || operator?.type !== 'word' || !OPERATORS.has(operator.text.toLowerCase())) {
      throw new FilterSyntaxError('expected <attribute> <operator>');
    }
    const op = operator.text.toLowerCase() as ComparisonOperator;
    if (op === 'pr') return { kind: 'compare', attribute: attribute.text, operator: op, value: null };
    const valueToken = tokens[position++];
    if (!valueToken || (valueToken.type !== 'string' && valueToken.type !== 'word')) {
      throw new FilterSyntaxError('expected a value');
    }
    return { kind: 'compare', attribute: attribute.text, operator: op, value: literal(valueToken) };
  };

  const expression = parseOr();
  if (position !== tokens.length) throw new FilterSyntaxError('unexpected input after the expression');
  return expression;
}

function literal(token: Token): string | number | boolean | null {
  if (token.type === 'string') return token.text;
  const word = token.text.toLowerCase();
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  const number = Number(token.text);
  if (Number.isFinite(number)) return number;
  throw new FilterSyntaxError(`bad literal ${token.text}`);
}

/** Calls `visit` for each comparison; `not` is reported as `'not'` to `onNot` so endpoints can refuse it. */
export function walkComparisons(
  expression: FilterExpression,
  visit: (comparison: Extract<FilterExpression, { kind: 'compare' }>) => void,
  onNot: () => void = () => undefined,
): void {
  if (expression.kind === 'compare') visit(expression);
  else if (expression.kind === 'not') {
    onNot();
    walkComparisons(expression.expression, visit, onNot);
  } else {
    walkComparisons(expression.left, visit, onNot);
    walkComparisons(expression.right, visit, onNot);
  }
}

/** Reads a dotted attribute path (`profile.login`, `client.ipAddress`, `target.id` over arrays). */
export function readPath(object: unknown, path: string): unknown {
  let current: unknown[] = [object];
  for (const key of path.split('.')) {
    const nextValues: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        for (const item of value)
          if (item && typeof item === 'object') nextValues.push((item as Record<string, unknown>)[key]);
      } else if (value && typeof value === 'object') {
        nextValues.push((value as Record<string, unknown>)[key]);
      }
    }
    current = nextValues.flat();
  }
  if (current.length === 0) return undefined;
  return current.length === 1 ? current[0] : current;
}

/** Evaluates a parsed filter against an object. Strings compare case-insensitively; ISO dates compare as text. */
export function matchesFilter(expression: FilterExpression, object: unknown): boolean {
  switch (expression.kind) {
    case 'and':
      return matchesFilter(expression.left, object) && matchesFilter(expression.right, object);
    case 'or':
      return matchesFilter(expression.left, object) || matchesFilter(expression.right, object);
    case 'not':
      return !matchesFilter(expression.expression, object);
    case 'compare': {
      const actual = readPath(object, expression.attribute);
      const values = Array.isArray(actual) ? actual : [actual];
      if (expression.operator === 'ne') return values.every((value) => !compare('eq', value, expression.value));
      return values.some((value) => compare(expression.operator, value, expression.value));
    }
  }
}

function compare(operator: ComparisonOperator, actual: unknown, expected: string | number | boolean | null): boolean {
  if (operator === 'pr') return actual !== undefined && actual !== null && actual !== '';
  if (actual === undefined || actual === null) return operator === 'eq' && expected === null;
  const left = typeof actual === 'string' ? actual.toLowerCase() : actual;
  const right = typeof expected === 'string' ? expected.toLowerCase() : expected;
  switch (operator) {
    case 'eq':
      return asText(left) === asText(right);
    case 'ne':
      return asText(left) !== asText(right);
    case 'co':
      return asText(left).includes(asText(right));
    case 'sw':
      return asText(left).startsWith(asText(right));
    case 'ew':
      return asText(left).endsWith(asText(right));
    default: {
      if (right === null) return false;
      const ordered =
        typeof left === 'number' && typeof right === 'number' ? left - right : ordinal(asText(left), asText(right));
      if (operator === 'gt') return ordered > 0;
      if (operator === 'ge') return ordered >= 0;
      if (operator === 'lt') return ordered < 0;
      return ordered <= 0;
    }
  }
}

function ordinal(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}
