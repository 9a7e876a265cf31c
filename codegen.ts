import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: typed documents for the operations a frontend uses (examples/operations), generated against
 * the served schema straight from the Pothos code. A stale or invalid operation fails generation.
 *
 * - examples/generated/: the client preset, with documents as strings (`TypedDocumentString`): a fetch-based client
 *   (examples/sdk.ts) sends `String(document)` and needs no graphql runtime.
 * - src/dashboard/generated-operations.js: the same operations as a plain ES module that the dashboard page imports
 *   in the browser without a build step, JSDoc-typed against examples/generated/graphql.ts
 *   (scripts/codegen-operations-module.cjs).
 */
const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  documents: ['examples/operations/*.graphql'],
  emitLegacyCommonJSImports: false,
  generates: {
    'examples/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        documentMode: 'string',
        // Both are ISO 8601 text on the wire (src/schema/scalars.ts).
        scalars: { DateTime: 'string', Date: 'string' },
      },
    },
    'src/dashboard/generated-operations.js': {
      plugins: ['./scripts/codegen-operations-module.cjs'],
      config: { typesModule: '../../examples/generated/graphql.js' },
    },
  },
};

export default config;
