/** The queries the load rows send, for our gateway and for the peer (Hive Gateway over the OpenAPI source). */

export const FLOOR_BODY = JSON.stringify({ query: '{ __typename }' });

/** Sandbox handles rtr-0001 ... (the bench simulators seed 1000). */
export const rtrHandle = (index: number): string => `rtr-${String(index).padStart(4, '0')}`;

const FIELDS = 'handle name email city country';
const OURS = `query Contact($handle: String!) { contact(provider: REALTIME_REGISTER, handle: $handle) { ${FIELDS} } }`;
// The peer's field comes from the OpenAPI operation (bench/peer/realtime-register-contacts.openapi.json); its result
// is a union of the contact and the provider's error body.
const PEER = `query Contact($handle: String!) { contact(customer: "sandbox", handle: $handle) { ... on Contact { ${FIELDS} } } }`;

export type Target = 'ours' | 'peer';

/** One contact query body per handle index, for `from` ... `from + count - 1`. */
export function contactBodies(target: Target, from: number, count: number): string[] {
  const query = target === 'ours' ? OURS : PEER;
  return Array.from({ length: count }, (_, offset) => JSON.stringify({ query, variables: { handle: rtrHandle(from + offset) } }));
}

/** One query with five aliased contact fields (handles from `from`): the batching question. */
export function aliasedFiveBody(target: Target, from: number): string {
  const field = (handle: string) =>
    target === 'ours' ? `contact(provider: REALTIME_REGISTER, handle: "${handle}") { ${FIELDS} }` : `contact(customer: "sandbox", handle: "${handle}") { ... on Contact { ${FIELDS} } }`;
  const aliases = ['a', 'b', 'c', 'd', 'e'].map((alias, offset) => `${alias}: ${field(rtrHandle(from + offset))}`);
  return JSON.stringify({ query: `{ ${aliases.join(' ')} }` });
}

/** Posts a body and fails unless the answer has data and no errors (a fast error must never pass for an answer). */
export async function checkedQuery(url: string, body: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers }, body });
  const reply = (await response.json()) as { errors?: unknown[]; data?: Record<string, unknown> };
  if (reply.errors || !reply.data) throw new Error(`bench query failed: ${JSON.stringify(reply).slice(0, 500)}`);
  return reply.data;
}
