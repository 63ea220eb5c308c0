/** Colours shared by the figure builders, so that one split point (or series) keeps its colour across figures. */

/** plotly's default colourway (D3 category10). */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** The colour of the `index`-th series, cycling through the palette. */
export function seriesColor(index: number): string {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`seriesColor: index must be a whole number >= 0; got ${index}`);
  return PALETTE[index % PALETTE.length];
}
