// AssemblyScript: what every spike-engine kernel uses to read its arguments and take its work.
// Every kernel has the signature (args, tid): `args` points at its i32/f32 arguments in the shared memory and
// `tid` is this thread's index, for its own scratch and result slots. The threads take the work in chunks
// from one counter (`nextChunk`), as many as each gets to, so a kernel's result never depends on which thread
// did a chunk: each output is written by one chunk, in one order.

/** The i32 just below a kernel's arguments (the pool zeroes it): the next chunk to be taken. */
@inline export function nextChunk(args: usize): i32 {
  return atomic.add<i32>(args - 4, 1);
}

/** The items [start, end) of chunk `c` of `size` items each, of `n` in all. */
@inline export function chunkRange(c: i32, size: i32, n: i32): i64 {
  return (<i64>(c * size) << 32) | <i64>min(n, (c + 1) * size);
}

/** How many chunks of `size` items `n` items make. */
@inline export function chunks(n: i32, size: i32): i32 {
  return (n + size - 1) / size;
}

@inline export function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

@inline export function argf(args: usize, i: i32): f32 {
  return load<f32>(args + (<usize>i << 2));
}

@inline export function ptr(args: usize, i: i32): usize {
  return <usize>load<u32>(args + (<usize>i << 2));
}


/** The first `lanes` (1 to 4) floats at `at` as a v128, the other lanes 0. */
@inline export function loadLanes(at: usize, lanes: i32): v128 {
  if (lanes >= 4) return v128.load(at);
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(at));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  return v;
}

/** Stores the first `lanes` (1 to 4) floats of `v` at `at`. */
@inline export function storeLanes(at: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}
