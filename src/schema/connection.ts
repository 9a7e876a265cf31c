import type { InterfaceRef, ObjectRef } from '@pothos/core';
import type { Page } from '../services/page.js';
import { builder } from './builder.js';

/**
 * A connection as the contract shapes it: non-null edges and nodes, Relay's PageInfo, and (optionally) totalCount.
 * Services return a Page; cursors are theirs, opaque to clients.
 */
export function connectionTypes<T>(
  name: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- refs are typed by the builder's own SchemaTypes
  nodeRef: ObjectRef<any, T> | InterfaceRef<any, T>,
  options: { totalCount: boolean },
) {
  const edge = builder.objectRef<Page<T>['items'][number]>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      node: t.field({ type: nodeRef, resolve: (item) => item.node as never }),
    }),
  });
  return builder.objectRef<Page<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [edge], resolve: (page) => page.items }),
      pageInfo: t.field({
        type: builder.pageInfoRef(),
        resolve: (page) => ({
          hasNextPage: page.hasNextPage,
          hasPreviousPage: page.hasPreviousPage,
          startCursor: page.items[0]?.cursor ?? null,
          endCursor: page.endCursor ?? page.items.at(-1)?.cursor ?? null,
        }),
      }),
      ...(options.totalCount ? { totalCount: t.exposeInt('totalCount') } : {}),
    }),
  });
}
