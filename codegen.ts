import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: typed documents for the operations a frontend uses (examples/operations), generated against
 * the served schema straight from the Pothos code. A stale or invalid operation fails generation.
 */
const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  documents: ['examples/operations/*.graphql'],
  emitLegacyCommonJSImports: false,
  generates: {
    'examples/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true },
    },
  },
};

export default config;
