/**
 * Splits items into waves to apply one after another: one wave for each key of `first`,
 * in that order, then every other item together in the last wave. Keys with no item give
 * no wave; the order of items within a wave is theirs.
 */
export function applyWaves<T>(items: readonly T[], keyOf: (item: T) => string, first: readonly string[]): T[][] {
  const leading = first.map((key) => items.filter((item) => keyOf(item) === key));
  const rest = items.filter((item) => !first.includes(keyOf(item)));
  return [...leading, rest].filter((wave) => wave.length > 0);
}
