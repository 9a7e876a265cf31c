/** One page of a cursor connection, as services return it; the schema turns it into edges. */
export interface Page<T> {
  items: { cursor: string; node: T }[];
  totalCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}
