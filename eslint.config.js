import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assembly/ is AssemblyScript (i32, f64, load<T>, decorators on functions): its compiler checks it
  // (npm run build:wasm), TypeScript's parser and rules do not apply.
  {ignores: ['dist/', 'node_modules/', 'coverage/', 'test/browser/vendor/', 'tmp/', 'bench/out/', 'test/.tmp/', 'assembly/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.node}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-constant-condition': ['error', {checkLoops: false}],
    },
  },
  // sharp is loaded once, with require(), by src/image/sharp.ts: an ES import of the CommonJS package runs
  // Node's export lexer over it, ~100 ms of CPU in a fresh process.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/image/sharp.ts'],
    rules: {'@typescript-eslint/no-restricted-imports': ['error', {paths: [{name: 'sharp', message: 'import sharp from src/image/sharp.ts', allowTypeImports: true}]}]},
  },
  // The viewer page's code runs in browsers, not in Node.
  {files: ['viewer/**/*.ts'], languageOptions: {globals: {...globals.browser}}},
);
