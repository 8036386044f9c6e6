import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Names (CONTRIBUTING.md "Change it"): a module-level const holding a primitive is UPPER_CASE, and a module-level
// constant table or frozen setting may be; every other variable, function and parameter is camelCase, a type
// PascalCase. Properties, imports and destructured names keep the names of what they mirror (the wire, a module).
const names = [
  { selector: 'default', format: ['camelCase'], leadingUnderscore: 'allow' },
  { selector: ['property', 'method', 'accessor', 'enumMember', 'import'], format: null },
  { selector: 'typeLike', format: ['PascalCase'] },
  { selector: ['variable', 'parameter'], modifiers: ['destructured'], format: null },
  { selector: 'variable', modifiers: ['const', 'global'], format: ['camelCase', 'PascalCase', 'UPPER_CASE'] },
];
const constantNames = [
  {
    selector: 'variable',
    modifiers: ['const', 'global'],
    types: ['boolean', 'string', 'number'],
    format: ['UPPER_CASE'],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'bench/results/', '.local/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One TypeScript program for the whole tree (tsconfig.json).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The two JavaScript files (this config and the CLI's launcher) are outside the TypeScript program: they have no
  // types to check, as typescript-eslint's setup for JavaScript files says.
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  { files: ['**/*.ts'], rules: { '@typescript-eslint/naming-convention': ['error', ...names, ...constantNames] } },
  {
    // A probe is a script run once per measurement: its top level is the body of that run (timings and counts taken
    // as it goes), not a module's constants, so its primitives keep camelCase.
    files: ['bench/probes/**/*.ts'],
    rules: { '@typescript-eslint/naming-convention': ['error', ...names] },
  },
  {
    // A focused or skipped test hides failures from CI.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only' },
        { object: 'it', property: 'skip' },
        { object: 'it', property: 'todo' },
        { object: 'describe', property: 'only' },
        { object: 'describe', property: 'skip' },
        { object: 'test', property: 'only' },
        { object: 'test', property: 'skip' },
        // vitest types these `any`, which would turn off the type-aware checks of the object that holds one.
        ...['any', 'anything', 'stringContaining', 'stringMatching', 'objectContaining', 'arrayContaining'].map(
          (property) => ({ object: 'expect', property, message: `use match.${property} (test/support/match.ts)` }),
        ),
      ],
    },
  },
);
