import { readFileSync } from 'node:fs';
import { Kind, parse, validate } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * The README's GraphQL examples are what a new user pastes into GraphiQL first: each must validate against the served
 * schema, and each query and mutation must answer against the sandbox without an error.
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
const operations = blocks.flatMap((block) =>
  parse(block).definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION).map((operation) => ({ block, operation })),
);
const runnable = operations.filter(({ operation }) => operation.operation !== 'subscription');
const label = (operation: OperationDefinitionNode) => `${operation.operation} ${operation.name?.value ?? '(anonymous)'}`;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

describe("the README's GraphQL examples", () => {
  it('are there to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(runnable.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((block, index) => [index + 1, block] as const))('block %i validates against the served schema', (_index, block) => {
    expect(validate(schema, parse(block)).map((error) => error.message)).toEqual([]);
  });

  it.each(runnable.map(({ block, operation }) => [label(operation), block, operation.name?.value ?? null] as const))(
    '%s answers in the sandbox without errors',
    async (_label, block, operationName) => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: block, operationName }),
      });
      const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      expect(response.status).toBe(200);
      // A mutation's result union answers its success type, not an InputError or ProviderError.
      for (const value of Object.values(body.data ?? {})) {
        if (value && typeof value === 'object' && '__typename' in value) expect(String(value.__typename)).toMatch(/Success$/);
        if (value && typeof value === 'object' && 'fieldErrors' in value) expect(value.fieldErrors).toEqual([]);
      }
      expect(Object.values(body.data ?? {}).every((value) => value !== null)).toBe(true);
    },
  );

  it("mutation Submit answers the DENIC request of the contact it names: the request reads SUBMITTED afterwards, as the dashboard shows it", async () => {
    const submit = runnable.find(({ operation }) => operation.operation === 'mutation' && operation.name?.value === 'Submit');
    expect(submit, 'the README has a mutation Submit').toBeDefined();
    const post = async (query: string, operationName: string | null = null) => {
      const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName }) });
      return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
    };
    const handle = /handle: "([^"]+)"/.exec(submit!.operation.loc!.source.body.slice(submit!.operation.loc!.start, submit!.operation.loc!.end))![1]!;
    const statuses = async () => (await post(`{ contact(provider: REALTIME_REGISTER, handle: "${handle}") { verificationRequests { status } } }`)).data?.contact.verificationRequests.map((request: { status: string }) => request.status);
    expect((await post(submit!.block, 'Submit')).errors).toBeUndefined();
    expect(await statuses()).toEqual(['SUBMITTED']);
  });
});
