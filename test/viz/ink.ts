/** Whether a screenshot shows something: how much of it is not near white, and how many colours it holds. */
import { PNG } from 'pngjs';

export function ink(png: Uint8Array): { width: number; height: number; inkedFraction: number; colours: number } {
  const { width, height, data } = PNG.sync.read(Buffer.from(png));
  let inked = 0;
  const colours = new Set<number>();
  for (let k = 0; k < data.length; k += 4) {
    if (data[k] < 200 || data[k + 1] < 200 || data[k + 2] < 200) inked++;
    colours.add((data[k] << 16) | (data[k + 1] << 8) | data[k + 2]);
  }
  return { width, height, inkedFraction: inked / (width * height), colours: colours.size };
}
