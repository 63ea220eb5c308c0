/** What the dense pool hands a worker: one kernel on part of a batch, its inputs and output in shared memory. */
export interface DenseJob {
  kernel: string;
  attrs: Record<string, unknown>;
  /** Byte offsets and shapes of the float32 inputs. */
  inputs: Record<string, { offset: number; shape: number[] }>;
  /** Byte offset of the float32 output. */
  output: number;
}

/** Int32 slots of the control block at the start of the shared memory; the jobs' JSON follows it. */
export const DENSE_CTRL = { generation: 0, done: 1, failed: 2, jobBytes: 3 } as const;
export const DENSE_CTRL_BYTES = 64;
/** Room for the jobs' JSON; the data starts after it. */
export const DENSE_JOBS_BYTES = 65536;
