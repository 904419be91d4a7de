// @ts-check
// Lint with type information, and the layer rules of the code as import restrictions (see README, "Project layout").
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const frameworks = ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'pg-*', 'fastify', '@fastify/*', 'rxjs'];

/** Another module's entities, from a module file or from a file one folder deeper (dto/, report/). */
const foreignEntities = ['../*/*.entity', '../*/*.entities', '../../*/*.entity', '../../*/*.entities'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.data/', 'bench/results/', 'docs/', 'app/vendor/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A SqlWhere is built to be interpolated into SQL text (its values travel as parameters).
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allow: [{ from: 'file', name: 'SqlWhere', path: 'src/common/sql-where.ts' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The duty AMHP's app: ES modules run by the browser (and its service worker), served as written from app/.
    files: ['app/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['app/templates/sw.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // The benchmarks and jest's transformer are CommonJS scripts, type-checked by tsc (checkJs) instead.
    files: ['bench/**/*.js', 'test/support/*.js', 'scripts/*.js', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The no-unsafe-* family is off for now. In tests, supertest types response bodies `any` and every assertion
    // would have to restate the response type. In src, its ~220 findings are almost all rows of hand-written SQL
    // (`EntityManager.query()` returns `any`); they go once queries return typed rows, module by module. The promise
    // rules, unused variables and the layer rules are on everywhere.
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Test doubles implement async interfaces with bodies that need no await.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  // Layer rule: the law is pure. src/statute and every *.rules.ts take facts and return findings; they import no
  // framework, no database driver, and no other module (types from src/statute only).
  {
    files: ['src/statute/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: frameworks, message: 'src/statute is pure: no framework, ORM or driver.' },
            { group: ['../*', '!../statute', '!../statute/*'], message: 'src/statute imports nothing from another module.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.rules.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: frameworks, message: 'Rules are pure: no framework, ORM or driver.' },
            { group: ['../*', '!../statute', '!../statute/*'], message: 'Rules import from their own module and src/statute only.' },
          ],
        },
      ],
    },
  },
  // Layer rule: a module reaches another only through what it exports (a service, *.facts.ts, types), never its
  // entities. database/entities.ts lists every entity for the data source and is the one exception.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/statute/**', 'src/**/*.rules.ts', 'src/database/entities.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: foreignEntities, message: "Use the owning module's service or its *.facts.ts, not its entities." }],
          paths: [
            {
              name: 'class-validator',
              importNames: ['MinLength'],
              message: 'Use MinLength from common/validators: a minimum length counts the characters a reader sees.',
            },
          ],
        },
      ],
    },
  },
);
