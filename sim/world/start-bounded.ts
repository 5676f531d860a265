/**
 * `start` each item, at most `limit` at once, in order (a world's gateways: a window, not batches
 * that wait for their slowest). The first failure stops further starts; the ones under way are
 * awaited, so none is left running unowned, before it is thrown.
 */
export async function startBounded<T>(items: readonly T[], limit: number, start: (item: T) => Promise<void>): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer ≥ 1, got ${limit}`);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      try {
        await start(items[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
