/** What alternatingPairs keeps: the ratio over all pairs, the pair nearest to it, and every pair's ratio in order. */
export interface PairedRatio<A, B> {
  /** The geometric mean of the pairs' ratios: the figure compared with a target. */
  ratio: number;
  /** The pair whose ratio is nearest to `ratio`, for the tables' rows. */
  a: A;
  b: B;
  ratios: number[];
}

/**
 * Measures two rows that are compared by a ratio (ours against the floor, ours against the peer) in `rounds` pairs,
 * alternating which goes first (A B, B A, A B, B A, ...), and reports the geometric mean of the pairs' ratios. On a
 * shared virtual machine the CPU a process gets drifts within minutes (the same floor measured 2,800 and 5,100 req/s in
 * two runs ten minutes apart), and the row measured second in a back-to-back pair came out up to 1.5 times costlier
 * than the first (one code, ratios 1.47x, 0.90x, 1.46x as the order flipped). With an even number of rounds each
 * side goes first equally often, so the order's effect cancels in the mean; a single pair can then not decide a target.
 */
export async function alternatingPairs<A, B>(rounds: number, measureA: () => Promise<A>, measureB: () => Promise<B>, ratio: (a: A, b: B) => number): Promise<PairedRatio<A, B>> {
  const pairs: { a: A; b: B; ratio: number }[] = [];
  for (let round = 0; round < Math.max(1, rounds); round++) {
    let a: A;
    let b: B;
    if (round % 2 === 0) {
      a = await measureA();
      b = await measureB();
    } else {
      b = await measureB();
      a = await measureA();
    }
    pairs.push({ a, b, ratio: ratio(a, b) });
  }
  const mean = Math.exp(pairs.reduce((sum, pair) => sum + Math.log(pair.ratio), 0) / pairs.length);
  const distance = (pair: { ratio: number }) => Math.abs(Math.log(pair.ratio / mean));
  const nearest = pairs.reduce((best, pair) => (distance(pair) < distance(best) ? pair : best));
  return { ratio: mean, a: nearest.a, b: nearest.b, ratios: pairs.map((pair) => pair.ratio) };
}
