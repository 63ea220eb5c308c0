// AssemblyScript: what every spike-engine kernel uses to read its arguments and take its share of the work.
// Every kernel has the signature (args, tid, nt): `args` points at its i32/f32 arguments in the shared memory,
// `tid` is this thread's index and `nt` the number of threads; a kernel does its own share of the work
// (contiguous rows, or channels) and writes per-thread results (counts, partial sums) to slots indexed by tid.

/** Rows [start, end) of `rows` that thread tid of nt takes. */
@inline export function share(rows: i32, tid: i32, nt: i32): i64 {
  const start = <i32>((<i64>rows * tid) / nt);
  const end = <i32>((<i64>rows * (tid + 1)) / nt);
  return (<i64>start << 32) | <i64>end;
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
