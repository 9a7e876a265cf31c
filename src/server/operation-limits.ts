/**
 * Operations one connection may run at once: a graphql-ws socket, or a graphql-sse single-connection stream
 * (subscriptions, and queries or mutations in flight). Each open subscription holds memory until its client ends it;
 * the rate limit bounds how fast a key starts them, this bounds how many one connection keeps. One more is refused
 * alone; the connection and its other operations carry on.
 */
export const MAX_OPERATIONS_PER_CONNECTION = 100;
