/** Lost, duplicated and reordered entries of `got` against `want` (per lock, by event key): the soak's push verdict. */
export function compare(want: string[], got: string[]): { lost: number; duplicated: number; reordered: number } {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const w = count(want);
  const g = count(got);
  let lost = 0;
  let duplicated = 0;
  for (const [k, n] of w) lost += Math.max(0, n - (g.get(k) ?? 0));
  for (const [k, n] of g) duplicated += Math.max(0, n - (w.get(k) ?? 0));
  // Order: the first copies of what was delivered, against the delivered subsequence of what happened.
  const seen = new Map<string, number>();
  const firsts = got.filter((k) => {
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n <= (w.get(k) ?? 0);
  });
  const left = new Map(count(firsts));
  const expected = want.filter((k) => {
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    return n > 0;
  });
  const reordered = firsts.filter((k, i) => k !== expected[i]).length;
  return { lost, duplicated, reordered };
}
