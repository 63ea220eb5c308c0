/** Whether two shapes (`[h, w, c]`, `[T*B, h, w, c]`, ...) are equal, dimension by dimension. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
