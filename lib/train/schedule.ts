/** Learning-rate schedules, evaluated at a fractional epoch (epoch + batch / batches). */
export type ScheduleConfig =
  | { kind: 'constant'; lr: number }
  | { kind: 'cosine'; lr: number; epochs: number; minLr?: number; warmupEpochs?: number }
  | { kind: 'step'; lr: number; everyEpochs: number; gamma: number };

export function learningRate(schedule: ScheduleConfig, epoch: number): number {
  if (!(schedule.lr > 0)) throw new RangeError(`schedule ${schedule.kind}: lr must be > 0, got ${schedule.lr}`);
  switch (schedule.kind) {
    case 'constant':
      return schedule.lr;
    case 'step':
      if (!(schedule.everyEpochs > 0))
        throw new RangeError(`step schedule: everyEpochs must be > 0, got ${schedule.everyEpochs}`);
      return schedule.lr * schedule.gamma ** Math.floor(epoch / schedule.everyEpochs);
    case 'cosine': {
      const warmup = schedule.warmupEpochs ?? 0;
      if (epoch < warmup) return (schedule.lr * (epoch + 1e-3)) / warmup;
      const min = schedule.minLr ?? 0;
      const progress = Math.min(1, (epoch - warmup) / Math.max(1e-9, schedule.epochs - warmup));
      return min + 0.5 * (schedule.lr - min) * (1 + Math.cos(Math.PI * progress));
    }
  }
}
