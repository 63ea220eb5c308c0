/**
 * Which link shaping a testbed run can use. Real shaping would be Linux tc inside a network namespace: netem
 * for latency, jitter and loss, tbf for the rate; that needs root, working `ip netns`, and both qdiscs in the
 * kernel. `probeTcShaping` checks each in a throwaway namespace (`ip netns add`, `tc qdisc add dev lo` there,
 * `ip netns del`; nothing outside it is touched) and says what failed.
 *
 * spikesplit shapes with the application-level token bucket (link.ts) in every case: the tc path (running
 * server and device inside namespaces joined by a veth pair) is not implemented, so a run reports the probe
 * beside the shaping it used.
 */
import { spawnSync } from 'child_process';

export interface ShapingReport {
  /** What the run used. */
  used: 'application-level token bucket';
  tc: {
    /** root, ip netns, netem and tbf all work here. */
    usable: boolean;
    /** What was checked and what failed, e.g. `netem: Error: Specified qdisc kind is unknown.` */
    detail: string;
  };
}

function run(args: string[]): { ok: boolean; message: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return { ok: false, message: r.error.message };
  return { ok: r.status === 0, message: (r.stderr || r.stdout || `exit code ${r.status}`).trim() };
}

export function probeTcShaping(): ShapingReport['tc'] {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { usable: false, detail: 'not root: tc and ip netns need root' };
  const ns = `spikesplit-probe-${process.pid}`;
  const add = run(['ip', 'netns', 'add', ns]);
  if (!add.ok) return { usable: false, detail: `ip netns add: ${add.message}` };
  try {
    const netem = run(['ip', 'netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']);
    const tbf = run([
      'ip',
      'netns',
      'exec',
      ns,
      'tc',
      'qdisc',
      'replace',
      'dev',
      'lo',
      'root',
      'tbf',
      'rate',
      '1mbit',
      'burst',
      '32kbit',
      'latency',
      '400ms',
    ]);
    const detail = `root, ip netns works; netem: ${netem.ok ? 'works' : netem.message}; tbf: ${tbf.ok ? 'works' : tbf.message}`;
    return { usable: netem.ok && tbf.ok, detail };
  } finally {
    run(['ip', 'netns', 'del', ns]);
  }
}

/** The shaping a run used, with the tc probe beside it. */
export function shapingReport(): ShapingReport {
  return { used: 'application-level token bucket', tc: probeTcShaping() };
}
