/** Logits `[B, classes]` as the protocol carries them: rows of numbers and the arg-max class of each row. */
import * as tf from '@tensorflow/tfjs-core';

export function readPredictions(logits: tf.Tensor): { predictions: number[]; logits: number[][] } {
  if (logits.rank !== 2) throw new RangeError(`logits must be [B, classes], got [${logits.shape.join(', ')}]`);
  const [batch, classes] = logits.shape;
  const values = logits.dataSync();
  const rows = Array.from({ length: batch }, (_, b) => Array.from(values.subarray(b * classes, (b + 1) * classes)));
  // first maximum, as tf.argMax picks it
  const predictions = rows.map((row) => row.reduce((best, v, k) => (v > row[best] ? k : best), 0));
  return { predictions, logits: rows };
}
