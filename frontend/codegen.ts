import type { CodegenConfig } from '@graphql-codegen/cli'

// The backend generates ../schema.graphql (make schema).
// GRAPHQL_SCHEMA can point elsewhere (e.g. the draft contract) when it is not there yet.
const schema = process.env.GRAPHQL_SCHEMA ?? '../schema.graphql'

const config: CodegenConfig = {
  schema,
  documents: ['src/**/*.{ts,vue}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          Date: 'string',
          DateTime: 'string',
          Time: 'string',
          Decimal: 'string',
          JSON: 'unknown',
        },
      },
      presetConfig: {
        fragmentMasking: false,
      },
    },
  },
}

export default config
