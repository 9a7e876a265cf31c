import { defineConfig } from '@graphql-hive/gateway';

/**
 * Hive Gateway for the bench's peer: serves the supergraph that mesh.config.mjs composes (the OpenAPI source over the
 * Realtime Register simulator). Defaults otherwise: no response cache, so every contact query reads upstream. With
 * PEER_RESPONSE_CACHE_TTL_MS set, Hive Gateway's documented response cache (in memory, one global session: the
 * contact reads carry no per-caller data) answers repeated queries without reading upstream, for the "peer with a
 * cache" row.
 */
const ttl = Number(process.env.PEER_RESPONSE_CACHE_TTL_MS ?? 0);

export const gatewayConfig = defineConfig({
  supergraph: './supergraph.graphql',
  ...(ttl > 0 ? { responseCaching: { session: () => null, ttl } } : {}),
});
