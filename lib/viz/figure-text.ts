/** What every figure builder takes to title its figure. */
import type { RunLabel } from './label';

export interface FigureText extends RunLabel {
  /** What the figure shows; the preset and backend are appended. */
  title: string;
}
