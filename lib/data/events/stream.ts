/**
 * The event stream: the one form that the file readers, the DVS emulator and the frame integrator share.
 *
 * Event i is (x[i], y[i], p[i], t[i]) on a sensor of `width` x `height` pixels:
 * - x is the column and y the row of the pixel, so a frame indexes it as `[..., y, x, ...]`
 *   (each reader documents how it maps its file's address bits to x and y);
 * - p is the polarity: 1 = ON (log intensity rose), 0 = OFF (it fell);
 * - t is the timestamp in microseconds (whole microseconds from the readers and the emulator).
 */
export interface EventStream {
  x: Uint16Array; // [N] column, 0 <= x < width
  y: Uint16Array; // [N] row, 0 <= y < height
  p: Uint8Array; // [N] polarity, 1 = ON, 0 = OFF
  t: Float64Array; // [N] timestamp in microseconds
  width: number; // sensor width in pixels
  height: number; // sensor height in pixels
}

/**
 * Throws unless `stream` is well formed: equal lengths, a non-negative integer sensor size, every event inside the
 * sensor, polarity 0 or 1, finite timestamps. `where` names the caller in the message.
 */
export function assertEventStream(stream: EventStream, where: string): void {
  const { x, y, p, t, width, height } = stream;
  const n = x.length;
  if (y.length !== n || p.length !== n || t.length !== n) {
    throw new RangeError(
      `${where}: event stream arrays differ in length (x ${n}, y ${y.length}, p ${p.length}, t ${t.length}); ` +
        'expected one entry per event in each',
    );
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`${where}: sensor size ${width}x${height} is invalid; expected non-negative integers`);
  }
  for (let i = 0; i < n; i++) {
    if (x[i] >= width || y[i] >= height) {
      throw new RangeError(
        `${where}: event ${i} at (x ${x[i]}, y ${y[i]}) lies outside the ${width}x${height} sensor; ` +
          `expected x < ${width} and y < ${height}`,
      );
    }
    if (p[i] > 1) throw new RangeError(`${where}: event ${i} has polarity ${p[i]}; expected 0 (OFF) or 1 (ON)`);
    if (!Number.isFinite(t[i]))
      throw new RangeError(`${where}: event ${i} has timestamp ${t[i]}; expected a finite number of microseconds`);
  }
}
