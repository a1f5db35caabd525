import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What domain code may not import: frameworks, drivers and adapter packages. */
const forbiddenInDomain = {
  paths: [
    ...['fastify', 'mongoose', 'mongodb', 'amqplib', 'pino', 'undici', 'nodemailer'].map((name) => ({
      name,
      message: 'domain code stays free of frameworks and drivers; use a port',
    })),
    ...['http-kit', 'mongo', 'service-clients', 'observability', 'testing'].map((name) => ({
      name: `@slotkeeper/${name}`,
      message: 'domain code imports only zod, luxon and the contracts, errors, time and availability packages',
    })),
    {
      name: '@slotkeeper/messaging',
      message: 'domain code may name the bus port as a type only',
      allowTypeImports: true,
    },
  ],
  patterns: [{ group: ['@fastify/*', 'fastify-*'], message: 'domain code stays free of frameworks' }],
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
    rules: { '@typescript-eslint/no-restricted-imports': ['error', forbiddenInDomain] },
  },
);
