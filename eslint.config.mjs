// Flat ESLint config: TypeScript rules plus Nx module boundaries that really constrain.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const frameworks = ['@nestjs/*', 'react', 'react-dom', 'next', 'next/*', 'grammy', '@grammyjs/*'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.next/**', '**/coverage/**', 'data/**', 'artifacts/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:protocol'], bannedExternalImports: frameworks },
            { sourceTag: 'type:models', onlyDependOnLibsWithTags: ['type:protocol'], bannedExternalImports: frameworks },
            { sourceTag: 'type:persistence', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworks },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:persistence', 'type:models', 'type:protocol'], bannedExternalImports: frameworks },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:persistence', 'type:models', 'type:protocol'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:persistence', 'type:models', 'type:protocol'] },
          ],
        },
      ],
    },
  },
  {
    // Tests and their harnesses (a lib's src/testing/, outside its build) may also use the tools
    // (fake LLM server, fixtures); production code may not.
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/src/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:protocol'] },
            { sourceTag: 'type:models', onlyDependOnLibsWithTags: ['type:protocol', 'type:tool'] },
            { sourceTag: 'type:persistence', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:persistence', 'type:models', 'type:protocol', 'type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:persistence', 'type:models', 'type:protocol'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:persistence', 'type:models', 'type:protocol', 'type:tool'] },
          ],
        },
      ],
    },
  },
);
