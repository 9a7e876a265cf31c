/** One page of a cursor connection, as services return it; the schema turns it into edges. */
export interface Page<T> {
  items: { cursor: string; node: T }[];
  totalCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /**
   * Where the next page starts when that is past the last item: a read that stopped early (a bounded scan) may return
   * fewer items than asked, or none, yet has looked further. Absent: the last item's cursor.
   */
  endCursor?: string;
  /**
   * Providers that failed while the others answered (a merged connection): the page holds the healthy providers'
   * rows and the schema reports each failure as an error beside the data.
   */
  failures?: Error[];
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}
