/**
 * Where things live in the SharedArrayBuffer of data-parallel replicas (replicas.ts): a control block, every
 * variable's values as the calling thread sends them, then per worker replica its rows, labels, results and
 * what it sends back (a gradient per trainable variable, the value of every other). Byte offsets, 16-aligned.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable } from '../snn/module';

/** Int32 slots of the control block: the dispatch handshake (generations.ts), the command, rows per worker. */
export const REPLICA_CTRL = { generation: 0, done: 1, failed: 2, command: 3, rows: 4, slots: 64 } as const;

export interface ReplicaRegion {
  /** `[rowsPerReplica, ...imageShape]` float32. */
  readonly x: number;
  /** `[rowsPerReplica]` int32. */
  readonly labels: number;
  /** float64 [mean loss of its rows, rows it got right]. */
  readonly result: number;
  /** Per variable: its gradient (trainable) or its value after the step (the rest). */
  readonly values: readonly number[];
}

export interface ReplicaLayout {
  readonly names: readonly string[];
  /** Per variable: whether it is trained (its gradient comes back) or not (its value does). */
  readonly trained: readonly boolean[];
  readonly imageShape: readonly number[];
  readonly shapes: readonly number[][];
  readonly weights: readonly number[];
  readonly replicas: readonly ReplicaRegion[];
  readonly rowsPerReplica: number;
  readonly bytes: number;
}

export function replicaLayout(
  params: NamedVariable[],
  trained: readonly tf.Variable[],
  count: number,
  rowsPerReplica: number,
  imageShape: readonly number[],
): ReplicaLayout {
  if (REPLICA_CTRL.rows + count - 1 > REPLICA_CTRL.slots)
    throw new RangeError(`replicas: at most ${REPLICA_CTRL.slots - REPLICA_CTRL.rows + 1} replicas, got ${count}`);
  let top = REPLICA_CTRL.slots * 4;
  const place = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const perVariable = () => params.map((p) => place(p.variable.size * 4));
  const weights = perVariable();
  const pixels = imageShape.reduce((a, b) => a * b, 1);
  const replicas = Array.from({ length: count - 1 }, () => ({
    x: place(rowsPerReplica * pixels * 4),
    labels: place(rowsPerReplica * 4),
    result: place(16),
    values: perVariable(),
  }));
  return {
    names: params.map((p) => p.name),
    trained: params.map((p) => trained.includes(p.variable)),
    imageShape: [...imageShape],
    shapes: params.map((p) => p.variable.shape),
    weights,
    replicas,
    rowsPerReplica,
    bytes: top,
  };
}
