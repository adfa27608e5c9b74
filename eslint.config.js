// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**', '.venv/**', 'infra/databricks/**', 'bin/**', 'eslint.config.js', '**/*.mjs', '.scratch/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // ARCHITECTURE.md §4: the Delta core talks to storage only through its port.
    files: ['shared/delta/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@azure/*'], message: 'shared/delta must not depend on Azure SDKs; use the ObjectStore port.' }] }],
    },
  },
  {
    // The one reader of process.env is shared/config.
    files: ['shared/**/*.ts', 'functions/**/*.ts', 'orchestrations/**/*.ts'],
    ignores: ['shared/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read settings through shared/config' }],
    },
  },
);
