/**
 * What the codec accepts as a spike tensor: a flat typed array of 0/1 values in row-major order, plus its
 * shape. Every codec entry point checks its input here, so a bad value or shape is reported the same way.
 */

/** A spike tensor's values, row-major: one element per spike, each exactly 0 or 1. */
export type SpikeValues = Uint8Array | Float32Array;

/** The error for a value that is not a spike: names the flat index and the value found. */
export function nonBinaryError(index: number, value: number): RangeError {
  return new RangeError(`spike value at flat index ${index} is ${value}; expected 0 or 1`);
}

/**
 * Returns the spikes as a Uint8Array of 0/1, throwing `nonBinaryError` for the first other value. A Uint8Array
 * is checked and returned as is; a Float32Array is copied (-0 counts as 0).
 */
export function spikeBytes(spikes: SpikeValues): Uint8Array {
  if (spikes instanceof Uint8Array) {
    for (let i = 0; i < spikes.length; i++) if (spikes[i] > 1) throw nonBinaryError(i, spikes[i]);
    return spikes;
  }
  const bytes = new Uint8Array(spikes.length);
  for (let i = 0; i < spikes.length; i++) {
    const v = spikes[i];
    if (v === 1) bytes[i] = 1;
    else if (v !== 0) throw nonBinaryError(i, v);
  }
  return bytes;
}

/**
 * The number of elements of `shape`, checking that every dimension is a non-negative integer and, when
 * `length` is given, that the product equals it.
 */
export function shapeSize(shape: readonly number[], length?: number): number {
  let size = 1;
  for (let d = 0; d < shape.length; d++) {
    const dim = shape[d];
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new RangeError(`shape [${shape.join(', ')}] has dimension ${d} = ${dim}; expected a non-negative integer`);
    }
    size *= dim;
  }
  if (length !== undefined && size !== length) {
    throw new RangeError(`shape [${shape.join(', ')}] holds ${size} elements but the spike array has ${length}`);
  }
  return size;
}
