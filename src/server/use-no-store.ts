import type { Plugin } from 'graphql-yoga';

/**
 * Every answer on /graphql says `Cache-Control: no-store`: results hold contacts, people and decisions read under one
 * key's scopes, and an answer without the header may be kept by a browser (heuristically) or by a proxy that caches
 * GET queries, then shown to whoever uses that browser or proxy next, with or without the scope. Event streams too:
 * yoga's own `no-cache` there lets a cache store the events and only revalidate them (no-store overrides it).
 */
export function useNoStore(): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set('cache-control', 'no-store');
    },
  };
}
