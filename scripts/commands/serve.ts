/**
 * `spikesplit serve`: the cloud side of the edge-to-cloud testbed (on loopback, or with TLS on any address). Also exports the options the
 * `device` command shares with it: the model both sides build, and the emulated link.
 */
import * as fs from 'fs';
import * as net from 'net';
import {
  buildTestbedBackbone,
  buildTestbedModel,
  CIFAR10_NORMALIZATION,
  CIFAR100_NORMALIZATION,
  createServer,
  DEFAULT_SERVER_LIMITS,
  describeLink,
  initBackend,
  loadCifar10,
  MODEL_NAMES,
  readTestbedSpec,
  UNSHAPED_LINK,
  webPageHandler,
  wholeModel,
  type CoinferServer,
  type ImageDataset,
  type LinkConfig,
  type ServerOptions,
  type ServerLimits,
  type TestbedModel,
  type TestbedModelSpec,
} from 'spikesplit';
import {
  choiceOption,
  flagOption,
  numberOption,
  stringOption,
  UsageError,
  type Command,
  type Options,
  type Values,
} from './command';

/** Test images the web device page offers, from the embedded sample. */
const WEB_IMAGES = 24;

/** The model options: both sides must be given the same ones. */
export const testbedModelOptions = {
  model: stringOption(`${MODEL_NAMES.join(' | ')}; default resnet18`),
  width: stringOption('channel multiplier; default 0.0625'),
  T: stringOption('time steps; default 2'),
  classes: stringOption('default 10'),
  split: stringOption('split point, e.g. RB2 (default)'),
  channels: stringOption('bottleneck channels; default 2'),
  weights: stringOption(
    'directory holding weights.json/.bin of the bottlenecked model; default: fresh weights from --seed',
  ),
  seed: stringOption('seed of fresh weights; default 0'),
  'sent-steps': stringOption(
    "time steps sent, T' < T dividing T: learned temporal compression (NeuCODEX); default: all T",
  ),
  spec: stringOption(
    'a spec.json (as `spikesplit neucodex` writes) giving all of the above; no other model option with it',
  ),
} satisfies Options;

const MODEL_OPTION_NAMES = Object.keys(testbedModelOptions).filter((k) => k !== 'spec');

export function testbedModelSpec(values: Values): TestbedModelSpec {
  if (typeof values.spec === 'string') {
    const given = MODEL_OPTION_NAMES.filter((k) => values[k] !== undefined);
    if (given.length > 0)
      throw new UsageError(`--spec: the spec file gives the model; drop ${given.map((k) => `--${k}`).join(', ')}`);
    try {
      return readTestbedSpec(values.spec);
    } catch (err) {
      throw new UsageError(`--spec: ${(err as Error).message}`);
    }
  }
  const T = numberOption(values, 'T', 2, { min: 1, max: 64, integer: true });
  const sentSteps =
    values['sent-steps'] === undefined
      ? undefined
      : numberOption(values, 'sent-steps', T, { min: 1, max: T - 1, integer: true });
  if (sentSteps !== undefined && T % sentSteps !== 0)
    throw new UsageError(`--sent-steps: expected a divisor of T = ${T} below it, got ${sentSteps}`);
  return {
    sentSteps,
    model: choiceOption(values, 'model', MODEL_NAMES, 'resnet18'),
    width: numberOption(values, 'width', 1 / 16, { min: 1 / 64, max: 4 }),
    T,
    classes: numberOption(values, 'classes', 10, { min: 2, max: 10000, integer: true }),
    splitPoint: typeof values.split === 'string' ? values.split : 'RB2',
    channels: numberOption(values, 'channels', 2, { min: 1, max: 4096, integer: true }),
    seed: numberOption(values, 'seed', 0, { min: 0, max: 2 ** 31 - 1, integer: true }),
    weightsDir: typeof values.weights === 'string' ? values.weights : undefined,
  };
}

/** The emulated link, applied by each side to what it sends. */
export const linkOptions = {
  'bandwidth-mbps': stringOption('token-bucket rate of what this side sends, Mbit/s; default: no limit'),
  'latency-ms': stringOption('one-way delay added to each message; default 0'),
  'jitter-ms': stringOption('extra delay, uniform in [0, jitter]; default 0'),
  loss: stringOption('probability an attempt is lost and retransmitted (never dropped); default 0'),
  'link-seed': stringOption('seed of jitter and loss; default 0'),
} satisfies Options;

export function linkConfig(values: Values): LinkConfig {
  if (['bandwidth-mbps', 'latency-ms', 'jitter-ms', 'loss'].every((k) => values[k] === undefined)) return UNSHAPED_LINK;
  return {
    bandwidthMbps: numberOption(values, 'bandwidth-mbps', Infinity, { min: 1e-3, max: 1e6 }),
    latencyMs: numberOption(values, 'latency-ms', 0, { min: 0, max: 60_000 }),
    jitterMs: numberOption(values, 'jitter-ms', 0, { min: 0, max: 60_000 }),
    loss: numberOption(values, 'loss', 0, { min: 0, max: 0.99 }),
    seed: numberOption(values, 'link-seed', 0, { min: 0, max: 2 ** 31 - 1, integer: true }),
  };
}

/** The token options both sides take. */
export const tokenOptions = {
  token: stringOption('the shared secret (visible to other users in `ps`: prefer --token-file or $SPIKESPLIT_TOKEN)'),
  'token-file': stringOption('a file holding the shared secret (its first line); default $SPIKESPLIT_TOKEN'),
} satisfies Options;

/** `--token`, `--token-file`, else $SPIKESPLIT_TOKEN. */
export function tokenOption(values: Values): string {
  if (values.token !== undefined && values['token-file'] !== undefined)
    throw new UsageError('--token, --token-file: give one of them');
  let token: string | undefined;
  if (typeof values['token-file'] === 'string') {
    const file = values['token-file'];
    try {
      token = fs.readFileSync(file, 'utf8').split(/\r?\n/)[0];
    } catch (err) {
      throw new UsageError(`--token-file: cannot read ${file}: ${(err as Error).message}`);
    }
    if (!token) throw new UsageError(`--token-file: ${file} has an empty first line; expected the token`);
    return token;
  }
  token = typeof values.token === 'string' ? values.token : process.env.SPIKESPLIT_TOKEN;
  if (!token) throw new UsageError('--token: expected a non-empty token (or --token-file, or set SPIKESPLIT_TOKEN)');
  return token;
}

/** Builds the model of the options, a bad split point or weights folder reported as a usage error. */
export function buildModelOption(spec: TestbedModelSpec): TestbedModel {
  try {
    return buildTestbedModel(spec);
  } catch (err) {
    throw new UsageError(
      `${spec.weightsDir === undefined ? '--model, --split' : '--weights'}: ${(err as Error).message}`,
    );
  }
}

/** Builds the backbone alone from `--backbone`, a bad folder reported as a usage error. */
export function buildBackboneOption(spec: TestbedModelSpec, dir: string): ReturnType<typeof buildTestbedBackbone> {
  try {
    return buildTestbedBackbone(spec, dir);
  } catch (err) {
    throw new UsageError(`--backbone: ${(err as Error).message}`);
  }
}

/** The server limits as options: `--max-batch` sets maxBatch, and so on (limits.ts), with their help. */
const LIMIT_OPTIONS: Record<string, { limit: keyof ServerLimits; help: string }> = {
  'max-batch': { limit: 'maxBatch', help: 'images per request (larger requests are refused unread as oversized)' },
  'max-in-flight': { limit: 'maxInFlightPerConnection', help: 'requests per connection queued or computing' },
  'max-connections': { limit: 'maxConnections', help: 'open connections in all' },
  'max-connections-per-address': { limit: 'maxConnectionsPerAddress', help: 'open connections from one IP address' },
  'auth-timeout-ms': { limit: 'authTimeoutMs', help: 'a connection must authenticate within this' },
  'idle-timeout-ms': {
    limit: 'idleTimeoutMs',
    help: 'an authenticated connection with nothing to do is closed after this',
  },
};

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/** Reads a PEM file named by an option. */
function pemOption(values: Values, name: string): Buffer {
  const file = values[name] as string;
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`--${name}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Where and how `serve` listens: the host (loopback, or any address with TLS), TLS, the port and the server limits. */
function listenOptions(values: Values) {
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  if (net.isIP(host) === 0 && host !== 'localhost') throw new UsageError(`--host: '${host}' is not an IP address`);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
    throw new UsageError('--tls-cert, --tls-key: give both or neither');
  const tls =
    values['tls-cert'] === undefined
      ? undefined
      : { cert: pemOption(values, 'tls-cert'), key: pemOption(values, 'tls-key') };
  if (!tls && !LOOPBACK.includes(host))
    throw new UsageError(
      `--host ${host}: off loopback the requests, and the models' outputs, would cross the network in clear; give --tls-cert and --tls-key`,
    );
  const port = numberOption(values, 'port', 8765, { min: 0, max: 65535, integer: true });
  const limits: { -readonly [K in keyof ServerLimits]?: number } = {};
  for (const [option, { limit }] of Object.entries(LIMIT_OPTIONS)) {
    if (values[option] !== undefined)
      limits[limit] = numberOption(values, option, DEFAULT_SERVER_LIMITS[limit], {
        min: 1,
        max: 2 ** 31 - 1,
        integer: true,
      });
  }
  return { host, tls, port, limits };
}

/** The web device page's test images: `WEB_IMAGES` spread over the embedded sample, which is ordered by class. */
async function webImages(): Promise<ImageDataset> {
  const sample = await loadCifar10({ split: 'test', source: 'sample', progress: false });
  return sample.subset(Array.from({ length: WEB_IMAGES }, (_, i) => Math.floor((i * sample.count) / WEB_IMAGES)));
}

/** Starts the server; an address or port it cannot listen on, or a bad certificate or key, is a usage error. */
async function listen(options: ServerOptions): Promise<CoinferServer> {
  try {
    return await createServer(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES')
      throw new UsageError(`--host ${options.host} --port ${options.port}: cannot listen: ${(err as Error).message}`);
    if (options.tls && /PEM|key|certificate/i.test((err as Error).message))
      throw new UsageError(`--tls-cert, --tls-key: ${(err as Error).message}`);
    throw err;
  }
}

/** What `serve` prints once it listens: its address (and the web page's), the model, what raw offload runs, the link, the limits. */
function printServing(
  server: CoinferServer,
  { built, spec, backbone, link, token, web }: ServedModels & { link: LinkConfig; token: string; web: boolean },
): void {
  console.log(`serving ${built.name} (width ${spec.width}, T ${spec.T}) at ${server.url}`);
  if (web) console.log(`web device page: ${server.url.replace(/^ws/, 'http')}/#token=${encodeURIComponent(token)}`);
  console.log(`model: ${built.source}`);
  console.log(`raw offload runs: ${backbone ? `the backbone alone, ${backbone.source}` : 'the split model whole'}`);
  console.log(`link (replies): ${describeLink(link)}`);
  console.log(
    `limits: ${Object.entries(server.limits)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}

interface ServedModels {
  spec: TestbedModelSpec;
  built: TestbedModel;
  backbone: ReturnType<typeof buildTestbedBackbone> | undefined;
}

/** Resolves after `forS` seconds, or at SIGINT or SIGTERM, whichever comes first. */
function untilStopped(forS: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = forS === undefined ? undefined : setTimeout(resolve, forS * 1000);
    const stop = () => {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export const serve: Command = {
  name: 'serve',
  summary:
    'Serve the server part (split, early exit) and the whole model (raw offload) over WebSocket: on loopback, or with TLS on any address.',
  options: {
    ...testbedModelOptions,
    ...linkOptions,
    ...tokenOptions,
    backbone: stringOption(
      'directory holding weights.json/.bin of the backbone alone: raw offload runs it; default: raw offload runs the split model whole',
    ),
    dataset: stringOption('cifar10 | cifar100: the normalisation of raw-offload pixels; default cifar10'),
    port: stringOption('TCP port; default 8765, 0: the OS picks'),
    host: stringOption(
      '127.0.0.1 (default), ::1, or with --tls-cert/--tls-key any address of this host (0.0.0.0: all)',
    ),
    'tls-cert': stringOption('PEM certificate (chain): serve wss://; needed for a non-loopback --host'),
    'tls-key': stringOption('PEM private key of --tls-cert'),
    ...Object.fromEntries(
      Object.entries(LIMIT_OPTIONS).map(([k, { limit, help }]) => [
        k,
        stringOption(`${help}; default ${DEFAULT_SERVER_LIMITS[limit]}`),
      ]),
    ),
    'for-s': stringOption('shut down gracefully after this many seconds; default: on SIGINT/SIGTERM'),
    web: flagOption(
      `also serve the web device page on the same port (http(s)://<host>:<port>/#token=..., the token in the fragment, which the browser keeps): the device half in a browser, on ${WEB_IMAGES} CIFAR-10 test images of the embedded sample`,
    ),
  },
  async run(values) {
    const spec = testbedModelSpec(values);
    const token = tokenOption(values);
    const listening = listenOptions(values);
    const forS =
      values['for-s'] === undefined ? undefined : numberOption(values, 'for-s', 0, { min: 0, max: 7 * 24 * 3600 });
    const normalization =
      choiceOption(values, 'dataset', ['cifar10', 'cifar100'] as const, 'cifar10') === 'cifar10'
        ? CIFAR10_NORMALIZATION
        : CIFAR100_NORMALIZATION;
    const link = linkConfig(values);
    await initBackend(undefined, () => undefined);
    const built = buildModelOption(spec);
    let backbone: ServedModels['backbone'];
    try {
      backbone = typeof values.backbone === 'string' ? buildBackboneOption(spec, values.backbone) : undefined;
      const whole = wholeModel(backbone?.backbone ?? built.compressed ?? built.model);
      const http = values.web ? webPageHandler({ token, spec, built, images: await webImages() }) : undefined;
      const server = await listen({ tail: built.tail, whole, normalization, ...listening, token, link, http });
      printServing(server, { built, spec, backbone, link, token, web: http !== undefined });
      await untilStopped(forS);
      console.log('shutting down: finishing requests in flight');
      await server.close();
      const { served, errors, refused, timedOut } = server.stats();
      console.log(
        `served ${served} requests; error replies: ${JSON.stringify(errors)}; connections refused ${refused}, timed out ${timedOut}`,
      );
    } finally {
      backbone?.backbone.dispose();
      built.dispose();
    }
  },
};
