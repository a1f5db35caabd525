import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * What domain code may import, and nothing else: zod, luxon, the project's contracts, errors and
 * time packages, and files inside its own folder. Whatever else it needs (cryptography, the event
 * loop, persistence, the bus) reaches it through a port its use cases are given.
 * `@slotkeeper/availability` is on the list: it is booking's availability rules, pure domain code
 * kept in a package of its own (for its property tests and benchmarks), and held to this same list.
 */
const domainImports = [
  'zod',
  'luxon',
  '@slotkeeper/contracts',
  '@slotkeeper/errors',
  '@slotkeeper/time',
  '@slotkeeper/availability',
];
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const onlyDomainImports = {
  patterns: [
    {
      // Anything but a listed package (or a subpath of one) or a path below the importing file's folder.
      regex: `^(?!(?:${domainImports.map(escapeRegex).join('|')})(?:/|$)|\\./(?!(?:.*/)?\\.\\.(?:/|$)))`,
      caseSensitive: true,
      message: `domain code imports only ${domainImports.join(', ')} and files inside its own folder; anything else reaches it through a port`,
    },
  ],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['services/*/src/domain/**/*.ts', 'packages/availability/src/**/*.ts', 'packages/time/src/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', onlyDomainImports] },
  },
);
