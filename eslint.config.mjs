// One lint setup for the workspace. `@nx/enforce-module-boundaries` turns the project tags into rules:
// apps depend on libs, never the reverse, and `protocol` depends on nothing of ours.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/gen/**', '**/coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/utils', '**/utils/*'], message: 'No utils grab-bags: name the module for what it is.' }] }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:core'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:core'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:core'] },
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
            // The embedded mode hosts every app's service definition in one process (`npm start`).
            { sourceTag: 'type:composite', onlyDependOnLibsWithTags: ['type:lib', 'type:core', 'type:app'] },
            // End-to-end tests run apps as processes; they import libs only.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:core', 'type:app'] },
          ],
        },
      ],
    },
  },
  {
    // Pure libraries: bytes in, values out. Sockets, files and timers are injected by the apps.
    files: ['libs/protocol/src/**/*.ts', 'libs/itch/src/**/*.ts', 'libs/book/src/**/*.ts', 'libs/client/src/**/*.ts', 'libs/market-sim/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**', '**/node/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'Pure lib: inject Node APIs from the app.' })) }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
