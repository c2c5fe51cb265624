/**
 * ESLint for the whole repository: typescript-eslint's recommended rules (syntax only: the type
 * checking is tsc's, in `npm run typecheck`), and import-x's no-extraneous-dependencies so that
 * every workspace package declares what it imports in its own package.json. Tests, codegen
 * configs and the root's scripts may also use the root's devDependencies.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));
// The subgraphs as services.json (the service registry) lists them.
const subgraphs = JSON.parse(readFileSync(`${root}/services.json`, 'utf8')).services.filter((service) => service.subgraph);
const workspaceDirs = ['packages/booking-events', 'packages/kernel', 'packages/tracing', 'gateway'].concat(
  subgraphs.map((service) => `subgraphs/${service.name}`),
);
const declared = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).workspaces;
if (declared.join() !== 'packages/*,subgraphs/*,gateway') throw new Error(`eslint.config.mjs: update workspaceDirs for workspaces ${declared.join(', ')}`);

const extraneous = (options) => ({ 'import-x/no-extraneous-dependencies': ['error', { includeTypes: true, ...options }] });
const devOnly = ['test/**', 'codegen.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/__generated__/**', '**/node_modules/**', '**/coverage/**', '**/.run/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.mjs', '.cjs', '.js', '.json', '.node'] })] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The code passes `any` on purpose where GraphQL variables and MikroORM rows are untyped.
      '@typescript-eslint/no-explicit-any': 'off',
      // Regexes over SDL and logs match their indentation as written ("\n  description:"), which reads better than {2}.
      'no-regex-spaces': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // The root's scripts and tests: its own devDependencies, and the workspace packages (linked at the root).
      ...extraneous({ packageDir: [root], devDependencies: true }),
    },
  },
  { files: ['**/*.cjs', 'jest.config.js'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  ...workspaceDirs.flatMap((dir) => [
    { files: [`${dir}/**`], rules: extraneous({ packageDir: [`${root}/${dir}`], devDependencies: false }) },
    { files: devOnly.map((glob) => `${dir}/${glob}`), rules: extraneous({ packageDir: [`${root}/${dir}`, root], devDependencies: true }) },
  ]),
);
