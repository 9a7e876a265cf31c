import { expect } from 'vitest';
import type { EmailWatchStateStore } from '../../src/store/index.js';

/**
 * What every email watch state store must do with a limit of 2 rows of each kind: keep the newest, drop the oldest,
 * and take a settled row back out of the settled list when it is watched again. Memory and Redis run the same checks.
 */
export async function expectTwoOfEachKindKept(state: EmailWatchStateStore): Promise<void> {
  await state.begin([1, 2, 3].map((n) => ({ key: `k${n}`, status: 'PENDING', since: n })));
  expect((await state.watched())!.map((watched) => watched.key).sort()).toEqual(['k2', 'k3']);
  await state.watch({ key: 'k4', status: 'PENDING', since: 4 });
  for (const n of [2, 3, 4]) await state.settle(`k${n}`, { status: 'VERIFIED', since: 10 + n });
  expect(await state.watched()).toEqual([]);
  expect([...(await state.settledOf(['k2', 'k3', 'k4'])).keys()]).toEqual(['k3', 'k4']);
  await state.watch({ key: 'k3', status: 'PENDING', since: 20 });
  expect([...(await state.settledOf(['k2', 'k3', 'k4'])).keys()]).toEqual(['k4']);
}
