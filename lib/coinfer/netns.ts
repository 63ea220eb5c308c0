/**
 * Two hosts on one machine: two network namespaces joined by a veth pair, so traffic between a server in one and
 * a device in the other crosses a real kernel link (its own IP stack, TCP, and where the kernel has it, a
 * `tc tbf` rate limit on both ends). Needs root and iproute2 (`ip`, `tc`). Traffic goes only between the two
 * namespaces made here; `destroy()` deletes them (and with them the veth pair).
 */
import { execFileSync } from 'child_process';

export interface NetnsLink {
  readonly serverNs: string;
  readonly deviceNs: string;
  readonly serverAddress: string;
  readonly deviceAddress: string;
  /** How the link is shaped, for reports: `tc tbf 10 Mbit/s on both ends`, or why it is not. */
  readonly shaping: string;
  /** The command prefix that runs a program in namespace `ns`: `ip netns exec <ns>`. */
  prefix(ns: string): string[];
  /** Deletes both namespaces; safe to call twice. */
  destroy(): void;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** null when namespaces can be made here, else why not (for a test's skip message). */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0)
    return 'network namespaces need root (ip netns add); run as root to test across two namespaces';
  try {
    ip(['netns', 'list']);
  } catch (err) {
    return `ip netns does not work here: ${(err as Error).message.split('\n')[0]}`;
  }
  return null;
}

/**
 * Makes the two namespaces `<tag>-s` and `<tag>-d` (deleting stale ones of those names first), the server at
 * 10.17.0.1 and the device at 10.17.0.2 on a /30, shaped with tc tbf at `rateMbps` when given.
 */
export function createNetnsLink(tag: string, { rateMbps }: { rateMbps?: number } = {}): NetnsLink {
  const serverNs = `${tag}-s`;
  const deviceNs = `${tag}-d`;
  const destroy = () => deleteNamespaces([serverNs, deviceNs]);
  destroy();
  const serverAddress = '10.17.0.1';
  const deviceAddress = '10.17.0.2';
  let shaping = 'none (no rate given)';
  const ends: VethEnd[] = [
    [serverNs, 'veth-s', serverAddress],
    [deviceNs, 'veth-d', deviceAddress],
  ];
  try {
    joinByVeth(ends);
    if (rateMbps !== undefined) shaping = shapeBothEnds(ends, rateMbps);
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    serverNs,
    deviceNs,
    serverAddress,
    deviceAddress,
    shaping,
    prefix: (ns) => ['ip', 'netns', 'exec', ns],
    destroy,
  };
}

/** Deletes the namespaces of these names that exist. */
function deleteNamespaces(names: string[]): void {
  for (const ns of names) {
    try {
      ip(['netns', 'del', ns]);
    } catch {
      // not there
    }
  }
}

/** One end of the link: its namespace, its veth device, its address. */
type VethEnd = [ns: string, dev: string, address: string];

/** Two new namespaces joined by a veth pair, each end (and lo) up with its address on a /30. */
function joinByVeth(ends: VethEnd[]): void {
  const [[serverNs, serverDev], [deviceNs, deviceDev]] = ends;
  ip(['netns', 'add', serverNs]);
  ip(['netns', 'add', deviceNs]);
  // both ends are created inside their namespaces: nothing appears in this one
  ip(['link', 'add', serverDev, 'netns', serverNs, 'type', 'veth', 'peer', 'name', deviceDev, 'netns', deviceNs]);
  for (const [ns, dev, address] of ends) {
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', ns, 'addr', 'add', `${address}/30`, 'dev', dev]);
    ip(['-n', ns, 'link', 'set', dev, 'up']);
  }
}

/** Shapes both veth ends with tc tbf at `rateMbps`; says what shaping there is (none when tc fails, with why). */
function shapeBothEnds(ends: VethEnd[], rateMbps: number): string {
  try {
    for (const [ns, dev] of ends) {
      execFileSync(
        'ip',
        [
          'netns',
          'exec',
          ns,
          'tc',
          'qdisc',
          'add',
          'dev',
          dev,
          'root',
          'tbf',
          'rate',
          `${rateMbps}mbit`,
          'burst',
          '32kbit',
          'latency',
          '400ms',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    }
    return `tc tbf ${rateMbps} Mbit/s on both ends`;
  } catch (err) {
    return `none: tc tbf failed (${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()})`;
  }
}
