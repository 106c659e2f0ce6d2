/** Small number helpers shared by the comparison benchmark's parts. */

/** The value at `fraction` (0.5 for the median) of an ascending array; NaN when it is empty. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

export function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}
