/**
 * Runs `steps` one after the other and resolves with their results in order, like Promise.all for work that must
 * not overlap: reads on one transaction's connection, where pg runs one query at a time (and from pg 9 refuses a
 * query sent while another is running).
 */
export async function inTurn<T extends readonly (() => Promise<unknown>)[] | []>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = [];
  for (const step of steps) results.push(await step());
  return results as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}
