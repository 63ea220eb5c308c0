/** Error bars of a figure: plotly's asymmetric `error_y` / `error_x` from 95% intervals around the values. */
import type { Interval } from '../stats/interval';
import type { PlotlyValue } from './figure';
import { roundTo } from './format';

export interface ErrorBarOptions {
  /** Multiplies values and bounds (100: fractions drawn as percent); 1 by default. */
  scale?: number;
  /** Decimals kept; 2 by default. */
  digits?: number;
  /** More `error_y` attributes (colour, thickness, width). */
  style?: Record<string, PlotlyValue>;
}

export function errorBars(
  values: readonly number[],
  intervals: readonly Interval[],
  options: ErrorBarOptions = {},
): { [key: string]: PlotlyValue } {
  if (values.length !== intervals.length)
    throw new RangeError(`errorBars: ${values.length} values but ${intervals.length} intervals`);
  const { scale = 1, digits = 2, style = {} } = options;
  return {
    type: 'data',
    symmetric: false,
    array: values.map((v, i) => roundTo(scale * (intervals[i].upper - v), digits)),
    arrayminus: values.map((v, i) => roundTo(scale * (v - intervals[i].lower), digits)),
    ...style,
  };
}
