/**
 * API.md: the package's public API as a CDK user sees it, read with the TypeScript compiler from what
 * `infra/index.ts` exports: each class with its constructor and public properties, each props interface with every
 * property, its type, its doc comment and its `@default`, and the other exported types and constants.
 */
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../infra/index.ts', import.meta.url));

/** The markdown of API.md. */
export function renderApiMarkdown(): string {
  const program = ts.createProgram([ENTRY], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  const exported = checker
    .getExportsOfModule(module)
    .map((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol));
  const byKind = (flag: ts.SymbolFlags) => exported.filter((symbol) => symbol.flags & flag);

  const lines = [
    '# API',
    '',
    '<!-- Generated from infra/index.ts by `npm run docs`; do not edit. -->',
    '',
    "`import { OktaConnector } from 'okta-connector'` in a CDK app (JavaScript or TypeScript). The props of every",
    'construct are readonly; an optional prop shows its default.',
    '',
  ];
  for (const symbol of byKind(ts.SymbolFlags.Class)) lines.push(...classSection(symbol, checker));
  for (const symbol of byKind(ts.SymbolFlags.Interface)) lines.push(...interfaceSection(symbol, checker));
  const aliases = byKind(ts.SymbolFlags.TypeAlias);
  if (aliases.length > 0) {
    lines.push('## Types', '');
    for (const symbol of aliases) {
      // The resolved type, so `ActionName` lists the names rather than the expression that derives them.
      const type = checker.typeToString(
        checker.getDeclaredTypeOfSymbol(symbol),
        undefined,
        ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.MultilineObjectLiterals,
      );
      lines.push(
        `### ${symbol.name}`,
        '',
        ...docOf(symbol, checker),
        '```ts',
        `type ${symbol.name} = ${type};`,
        '```',
        '',
      );
    }
  }
  const values = exported.filter(
    (symbol) =>
      symbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Function) && !(symbol.flags & ts.SymbolFlags.Class),
  );
  if (values.length > 0) {
    lines.push('## Constants and functions', '', '| name | type | description |', '|---|---|---|');
    for (const symbol of values) {
      const type = checker.typeToString(checker.getTypeOfSymbol(symbol), undefined, ts.TypeFormatFlags.NoTruncation);
      lines.push(`| \`${symbol.name}\` | \`${cell(type)}\` | ${cell(docOf(symbol, checker).join(' '))} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

function classSection(symbol: ts.Symbol, checker: ts.TypeChecker): string[] {
  const declaration = symbol.declarations![0] as ts.ClassDeclaration;
  const lines = [`## class ${symbol.name}`, '', ...docOf(symbol, checker)];
  const constructor = declaration.members.find(ts.isConstructorDeclaration);
  if (constructor) {
    const parameters = constructor.parameters.map((p) => p.getText().replace(/\s+/g, ' ')).join(', ');
    lines.push('```ts', `new ${symbol.name}(${parameters})`, '```', '');
  }
  const properties = declaration.members.filter(isPublic).filter(ts.isPropertyDeclaration);
  if (properties.length > 0) {
    lines.push('| property | type | description |', '|---|---|---|');
    for (const property of properties) {
      const propertySymbol = checker.getSymbolAtLocation(property.name)!;
      const type = checker.typeToString(
        checker.getTypeAtLocation(property),
        undefined,
        ts.TypeFormatFlags.NoTruncation,
      );
      const optional = property.questionToken ? '?' : '';
      lines.push(
        `| \`${propertySymbol.name}${optional}\` | \`${cell(type.replace(/ \| undefined$/, ''))}\` | ${cell(docOf(propertySymbol, checker).join(' '))} |`,
      );
    }
    lines.push('');
  }
  const methods = declaration.members.filter(isPublic).filter(ts.isMethodDeclaration);
  if (methods.length > 0) {
    lines.push('| method | description |', '|---|---|');
    for (const method of methods) {
      const signature = `${method.name.getText()}(${method.parameters.map((p) => p.getText()).join(', ')})`;
      lines.push(
        `| \`${cell(signature)}\` | ${cell(docOf(checker.getSymbolAtLocation(method.name)!, checker).join(' '))} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

function interfaceSection(symbol: ts.Symbol, checker: ts.TypeChecker): string[] {
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  const lines = [`## interface ${symbol.name}`, '', ...docOf(symbol, checker)];
  lines.push('| property | type | default | description |', '|---|---|---|---|');
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.declarations?.[0];
    const propertyType = declaration
      ? checker.typeToString(
          checker.getTypeOfSymbolAtLocation(property, declaration),
          undefined,
          ts.TypeFormatFlags.NoTruncation,
        )
      : '';
    const optional = property.flags & ts.SymbolFlags.Optional;
    const defaultTag = property.getJsDocTags(checker).find((tag) => tag.name === 'default');
    const defaultText = defaultTag ? ts.displayPartsToString(defaultTag.text) : optional ? '' : '(required)';
    lines.push(
      `| \`${property.name}${optional ? '?' : ''}\` | \`${cell(propertyType.replace(/ \| undefined$/, ''))}\` | ${cell(defaultText)} | ${cell(docOf(property, checker).join(' '))} |`,
    );
  }
  lines.push('');
  return lines;
}

/** Whether a class member is part of the API (neither private nor protected). */
function isPublic(member: ts.ClassElement): boolean {
  return !(ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
}

/** The doc comment's text, without its tags. */
function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): string[] {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  return text ? [text, ''] : [];
}

/** Text fit for one cell of a markdown table. */
function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}
