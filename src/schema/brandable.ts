/**
 * What node(id:) and nodes(ids:) may hand Pothos: its relay plugin marks every object it loads with its type (a
 * non-enumerable symbol property, to resolve the Node interface). The in-process cache freezes what it holds (so no
 * caller mutates a shared entry), and marking a frozen object throws: the whole field failed as an unexpected error
 * whenever the object came from that cache (sandbox mode, and every instance while Redis is away). A frozen object is
 * handed over as a shallow copy; anything else as it is.
 */
export function brandable<T>(value: T): T {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && !Object.isExtensible(value) ? { ...value } : value;
}
