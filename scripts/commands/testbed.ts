/** `spikesplit testbed`: the edge-to-cloud testbed experiment (lib/experiments/testbed/) at a preset. */
import {
  percentWithInterval,
  withInterval,
  netnsTestbedFile,
  netnsUnavailable,
  runNetnsTestbed,
  runTestbed,
  testbedFile,
  type NetnsTestbed,
  type Testbed,
} from 'spikesplit';
import { flagOption, UsageError, type Values } from './command';
import { experimentCommand } from './experiment';
import { printColumns } from './text-table';

function printTable(t: Testbed): void {
  console.log(`${t.data}`);
  console.log(
    `device slowdown x${t.config.slowdown}; link one-way latency ${t.config.latencyMs} ms each way; shaping: ${t.shaping.used} (tc: ${t.shaping.tc.detail})`,
  );
  const exit = t.earlyExit.canExitEarly
    ? `${t.earlyExit.confidence} > ${t.earlyExit.threshold}, checked every ${t.earlyExit.exitEvery} steps`
    : 'none possible: the model sends one step';
  console.log(`early exit: ${exit} (${t.models.compressed.name})`);
  const f = (v: number, d = 1) => v.toFixed(d);
  const rows = t.rows.map((r) => {
    const server = r.meanTiming.serverQueueMs + r.meanTiming.serverDecodeMs + r.meanTiming.serverComputeMs;
    return [
      r.mode,
      r.bandwidthMbps === null ? '-' : String(r.bandwidthMbps),
      withInterval(r.latency.p50Ms, r.latencyIntervals.p50Ms),
      withInterval(r.latency.p95Ms, r.latencyIntervals.p95Ms),
      withInterval(r.latency.p99Ms, r.latencyIntervals.p99Ms),
      f(r.meanTiming.deviceComputeMs),
      f(r.meanTiming.encodeMs),
      f(r.meanTiming.transferMs),
      f(server),
      f(r.bytesPerRequest, 0),
      f(r.meanSteps, 2),
      percentWithInterval(r.accuracy, r.accuracyEstimate),
      `${f(r.p50SpeedupVsEdge, 2)}x`,
    ];
  });
  printColumns(
    [
      'mode',
      'Mbit/s',
      'p50 ms [95% CI]',
      'p95 ms [95% CI]',
      'p99 ms [95% CI]',
      'device',
      'encode',
      'transfer',
      'server',
      'bytes/req',
      'steps',
      'accuracy % [95% CI]',
      'p50 vs edge',
    ],
    rows,
  );
  console.log('intervals: 95%, bootstrap over the requests (latency), Wilson (accuracy)');
  console.log(`wrote ${testbedFile(t.preset)} in ${t.wallSeconds.toFixed(0)} s`);
}

function printNetns(t: NetnsTestbed): void {
  console.log(t.data);
  console.log(
    `device slowdown x${t.config.slowdown}; early-exit threshold ${t.threshold.value}: ${t.threshold.from}; no delay added on either link`,
  );
  const i = (r: NetnsTestbed['rows'][number], k: 'p50Ms' | 'p95Ms' | 'p99Ms') =>
    withInterval(r.latency[k], r.latencyIntervals[k]);
  const rows = t.rows.map((r) => [
    r.mode,
    String(r.bandwidthMbps),
    r.link,
    i(r, 'p50Ms'),
    i(r, 'p95Ms'),
    i(r, 'p99Ms'),
    r.bytesPerRequest.toFixed(0),
    r.shaping,
  ]);
  printColumns(
    ['mode', 'Mbit/s', 'link', 'p50 ms [95% CI]', 'p95 ms [95% CI]', 'p99 ms [95% CI]', 'bytes/req', 'shaped by'],
    rows,
  );
  console.log(`wrote ${netnsTestbedFile(t.preset)} in ${t.wallSeconds.toFixed(0)} s`);
}

/** `--netns`, refused up front where this machine cannot make network namespaces. */
function netnsOption(values: Values): boolean {
  if (!values.netns) return false;
  const why = netnsUnavailable();
  if (why) throw new UsageError(`--netns: ${why}`);
  return true;
}

export const testbed = experimentCommand<Testbed | NetnsTestbed, boolean>({
  name: 'testbed',
  summary:
    'Edge-to-cloud testbed: latency of edge-only, raw offload, spike split and spike split with temporal ' +
    'compression and early exit, over an emulated link (a real serve process on loopback); ' +
    '--netns: across a kernel link between two network namespaces, beside the token bucket.',
  options: {
    netns: flagOption(
      'measure across two network namespaces joined by veth (tc tbf, TLS) beside loopback with the token bucket (needs root)',
    ),
  },
  args: netnsOption,
  run: (preset, netns) => (netns ? runNetnsTestbed(preset) : runTestbed(preset)),
  print: (result, netns) => (netns ? printNetns(result as NetnsTestbed) : printTable(result as Testbed)),
});
