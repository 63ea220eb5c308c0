/** `spikesplit testbed`: the edge-to-cloud testbed experiment (lib/experiments/testbed.ts) at a preset. */
import { initBackend, runTestbed, testbedFile, type Testbed } from 'spikesplit';
import { experimentOptions, presetOption, type Command } from './command';
import { printColumns } from './text-table';

function printTable(t: Testbed): void {
  console.log(`${t.data}`);
  console.log(`device slowdown x${t.config.slowdown}; link one-way latency ${t.config.latencyMs} ms each way; shaping: ${t.shaping.used} (tc: ${t.shaping.tc.detail})`);
  const exit = t.earlyExit.canExitEarly ? `${t.earlyExit.confidence} > ${t.earlyExit.threshold}, checked every ${t.earlyExit.exitEvery} steps` : 'none possible: the model sends one step';
  console.log(`early exit: ${exit} (${t.models.compressed.name})`);
  const f = (v: number, d = 1) => v.toFixed(d);
  const rows = t.rows.map((r) => {
    const server = r.meanTiming.serverQueueMs + r.meanTiming.serverDecodeMs + r.meanTiming.serverComputeMs;
    return [
      r.mode,
      r.bandwidthMbps === null ? '-' : String(r.bandwidthMbps),
      f(r.latency.p50Ms),
      f(r.latency.p95Ms),
      f(r.latency.p99Ms),
      f(r.meanTiming.deviceComputeMs),
      f(r.meanTiming.encodeMs),
      f(r.meanTiming.transferMs),
      f(server),
      f(r.bytesPerRequest, 0),
      f(r.meanSteps, 2),
      `${f(100 * r.accuracy)}%`,
      `${f(r.p50SpeedupVsEdge, 2)}x`,
    ];
  });
  printColumns(['mode', 'Mbit/s', 'p50 ms', 'p95 ms', 'p99 ms', 'device', 'encode', 'transfer', 'server', 'bytes/req', 'steps', 'accuracy', 'p50 vs edge'], rows);
  console.log(`wrote ${testbedFile(t.preset)} in ${t.wallSeconds.toFixed(0)} s`);
}

export const testbed: Command = {
  name: 'testbed',
  summary: 'Edge-to-cloud testbed: latency of edge-only, raw offload, spike split and spike split with temporal compression and early exit, over an emulated link (a real serve process on loopback).',
  ...experimentOptions,
  async run(values) {
    const preset = presetOption(values);
    await initBackend(undefined, () => undefined);
    const result = await runTestbed(preset);
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else printTable(result);
  },
};
