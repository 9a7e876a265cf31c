/**
 * What node(id:) and nodes(ids:) hand Pothos for each id: the object, null, or the Error that failed only that id.
 */

/**
 * Pothos' relay plugin marks every object it loads with its type (a non-enumerable symbol property, to resolve the
 * Node interface). The in-process cache freezes what it holds (so no caller mutates a shared entry), and marking a
 * frozen object throws: the whole field failed as an unexpected error whenever the object came from that cache
 * (sandbox mode, and every instance while Redis is away). A frozen object is handed over as a shallow copy.
 */
export function brandable<T>(value: T): T {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && !Object.isExtensible(value) ? { ...value } : value;
}

/**
 * A `loadOne` whose failure fails only its own id. Pothos loads every id of a type with Promise.all, so one rejected
 * load (the store unreachable for a registry check) failed the whole of nodes(ids:), a non-null list, and with it the
 * response's data. An Error value instead becomes that slot's error (graphql-js reports a resolved Error as the
 * field's error), like the contact loader's per-provider failures. Typed as the object: Pothos' loadOne type has no
 * room for an Error, which graphql-js accepts anyway.
 */
export async function loadNode<T>(load: () => Promise<T>): Promise<T> {
  try {
    return brandable(await load());
  } catch (error) {
    return (error instanceof Error ? error : new Error(String(error))) as T;
  }
}
