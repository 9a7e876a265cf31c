import { h } from './dom.js';

/**
 * Cursor paging for a connection: Next follows pageInfo.endCursor, Previous goes back through the cursors seen.
 * `load(after)` fetches a page; the pager keeps where it is and renders "11–20 of 57" with its buttons.
 */
export class Pager {
  /** The `after` cursor of every page before the current one; the current page's is `current`. */
  private readonly previous: (string | null)[] = [];
  private current: string | null = null;
  private next: string | null = null;
  private shown = { count: 0, total: 0 };

  constructor(
    private readonly label: string,
    private readonly pageSize: number,
    private readonly element: HTMLElement,
    private readonly load: (after: string | null) => Promise<void>,
  ) {}

  get after(): string | null {
    return this.current;
  }

  /** Back to the first page (a new search). */
  reset(): void {
    this.previous.length = 0;
    this.current = null;
  }

  /** What the last load returned; renders the controls. */
  update(count: number, total: number, endCursor: string | null | undefined, hasNextPage: boolean): void {
    this.shown = { count, total };
    this.next = hasNextPage && endCursor ? endCursor : null;
    this.render();
  }

  private render(): void {
    const first = this.previous.length * this.pageSize + 1;
    const range = this.shown.count === 0 ? `0 of ${this.shown.total}` : `${first}–${first + this.shown.count - 1} of ${this.shown.total}`;
    this.element.replaceChildren(
      h('button', { type: 'button', 'aria-label': `Previous page of ${this.label}`, disabled: this.previous.length === 0, onclick: () => void this.go(this.previous.pop() ?? null) }, 'Previous'),
      h('span', { class: 'range', 'aria-live': 'polite' }, range),
      h('button', { type: 'button', 'aria-label': `Next page of ${this.label}`, disabled: this.next === null, onclick: () => void this.forward() }, 'Next'),
    );
  }

  private async forward(): Promise<void> {
    if (this.next === null) return;
    this.previous.push(this.current);
    await this.go(this.next);
  }

  private async go(after: string | null): Promise<void> {
    this.current = after;
    await this.load(after);
  }
}
