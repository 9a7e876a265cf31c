import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import process from 'node:process';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * The floor: a bare graphql-yoga server answering `{ __typename }`, with nothing of the gateway (no auth, limits,
 * plugins or services). Same node:http + yoga stack, so the ratio gateway/floor is the cost of the gateway itself.
 * Prints `READY {"url": ...}`; SIGTERM stops it.
 */
const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } }), logging: false });
const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
