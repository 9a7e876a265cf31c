import { createSchema } from 'graphql-yoga';

/**
 * A schema with `subscription { tick }` whose resolver waits until the test opens its gate, so a test can act while
 * the subscription is being set up; `ended` records each return() its source gets (the subscription ended).
 */
export function gatedSubscription() {
  let enter!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const ended: string[] = [];
  const schema = createSchema({
    typeDefs: 'type Query { ok: Boolean } type Subscription { tick: Int }',
    resolvers: {
      Subscription: {
        tick: {
          subscribe: async () => {
            enter();
            await gate;
            const source: AsyncIterableIterator<{ tick: number }> = {
              next: () => new Promise<IteratorResult<{ tick: number }>>(() => undefined),
              return: async () => {
                ended.push('returned');
                return { done: true, value: undefined };
              },
              [Symbol.asyncIterator]: () => source,
            };
            return source;
          },
        },
      },
    },
  });
  return { schema, entered, open, ended };
}
