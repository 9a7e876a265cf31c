import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

/**
 * GraphQL Mesh compose config for the bench's peer (bench/peer/README in bench/README.md): the Realtime Register
 * contact reads of ./realtime-register-contacts.openapi.json as a subgraph, executed against the simulator at
 * RTR_BASE_URL with its sandbox API key. `mesh-compose -o supergraph.graphql` writes the supergraph that
 * `hive-gateway supergraph` serves; bench/peer/start.mjs runs both.
 */
export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('RealtimeRegister', {
        source: './realtime-register-contacts.openapi.json',
        endpoint: process.env.RTR_BASE_URL,
        operationHeaders: { authorization: `ApiKey ${process.env.RTR_API_KEY}` },
      }),
    },
  ],
});
