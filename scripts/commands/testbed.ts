/** `spikesplit testbed`: the edge-to-cloud testbed experiment (lib/experiments/testbed.ts) at a preset. */
import { initBackend, runTestbed, testbedFile, type Testbed } from 'spikesplit';
import { experimentOptions, presetOption, type Command } from './command';

function printTable(t: Testbed): void {
  console.log(`${t.data}`);
  console.log(`device slowdown x${t.config.slowdown}; link one-way latency ${t.config.latencyMs} ms each way; shaping: ${t.shaping.used} (tc: ${t.shaping.tc.detail})`);
  const exit = t.earlyExit.canExitEarly ? `${t.earlyExit.confidence} > ${t.earlyExit.threshold}, checked every ${t.earlyExit.exitEvery} steps` : 'none possible: the model sends one step';
  console.log(`early exit: ${exit} (${t.models.compressed.name})`);
  console.log('mode                  Mbit/s  p50 ms   p95 ms   p99 ms  device  encode  transfer  server  bytes/req  steps  accuracy  p50 vs edge');
  const f = (v: number, w: number, d = 1) => v.toFixed(d).padStart(w);
  for (const r of t.rows) {
    const server = r.meanTiming.serverQueueMs + r.meanTiming.serverDecodeMs + r.meanTiming.serverComputeMs;
    console.log(
      `${r.mode.padEnd(20)}  ${(r.bandwidthMbps === null ? '-' : String(r.bandwidthMbps)).padStart(6)}  ${f(r.latency.p50Ms, 6)}  ${f(r.latency.p95Ms, 7)}  ${f(r.latency.p99Ms, 7)}  ` +
        `${f(r.meanTiming.deviceComputeMs, 6)}  ${f(r.meanTiming.encodeMs, 6)}  ${f(r.meanTiming.transferMs, 8)}  ${f(server, 6)}  ${f(r.bytesPerRequest, 9, 0)}  ${f(r.meanSteps, 5, 2)}  ${f(100 * r.accuracy, 7)}%  ${f(r.p50SpeedupVsEdge, 10, 2)}x`,
    );
  }
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
