/**
 * `spikesplit serve`: the cloud side of the edge-to-cloud testbed on loopback. Also exports the options the
 * `device` command shares with it: the model both sides build, and the emulated link.
 */
import {
  buildTestbedModel,
  createServer,
  describeLink,
  initBackend,
  MODEL_NAMES,
  split,
  UNSHAPED_LINK,
  type LinkConfig,
  type TestbedModelSpec,
} from 'spikesplit';
import { choiceOption, numberOption, UsageError, type Command, type Options, type Values } from './command';

/** The model options: both sides must be given the same ones. */
export const testbedModelOptions = {
  options: {
    model: { type: 'string' },
    width: { type: 'string' },
    T: { type: 'string' },
    classes: { type: 'string' },
    split: { type: 'string' },
    channels: { type: 'string' },
    weights: { type: 'string' },
    seed: { type: 'string' },
  } satisfies Options,
  help: {
    model: `${MODEL_NAMES.join(' | ')}; default resnet18`,
    width: 'channel multiplier; default 0.0625',
    T: 'time steps; default 2',
    classes: 'default 10',
    split: 'split point, e.g. RB2 (default)',
    channels: 'bottleneck channels; default 2',
    weights: 'directory holding weights.json/.bin of the bottlenecked model; default: fresh weights from --seed',
    seed: 'seed of fresh weights; default 0',
  },
};

export function testbedModelSpec(values: Values): TestbedModelSpec {
  return {
    model: choiceOption(values, 'model', MODEL_NAMES, 'resnet18'),
    width: numberOption(values, 'width', 1 / 16, { min: 1 / 64, max: 4 }),
    T: numberOption(values, 'T', 2, { min: 1, max: 64, integer: true }),
    classes: numberOption(values, 'classes', 10, { min: 2, max: 10000, integer: true }),
    splitPoint: typeof values.split === 'string' ? values.split : 'RB2',
    channels: numberOption(values, 'channels', 2, { min: 1, max: 4096, integer: true }),
    seed: numberOption(values, 'seed', 0, { min: 0, max: 2 ** 31 - 1, integer: true }),
    weightsDir: typeof values.weights === 'string' ? values.weights : undefined,
  };
}

/** The emulated link, applied by each side to what it sends. */
export const linkOptions = {
  options: {
    'bandwidth-mbps': { type: 'string' },
    'latency-ms': { type: 'string' },
    'jitter-ms': { type: 'string' },
    loss: { type: 'string' },
    'link-seed': { type: 'string' },
  } satisfies Options,
  help: {
    'bandwidth-mbps': 'token-bucket rate of what this side sends, Mbit/s; default: no limit',
    'latency-ms': 'one-way delay added to each message; default 0',
    'jitter-ms': 'extra delay, uniform in [0, jitter]; default 0',
    loss: 'probability an attempt is lost and retransmitted (never dropped); default 0',
    'link-seed': 'seed of jitter and loss; default 0',
  },
};

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

/** `--token`, else $SPIKESPLIT_TOKEN. */
export function tokenOption(values: Values): string {
  const token = typeof values.token === 'string' ? values.token : process.env.SPIKESPLIT_TOKEN;
  if (!token) throw new UsageError('--token: expected a non-empty token (or set SPIKESPLIT_TOKEN)');
  return token;
}

export const serve: Command = {
  name: 'serve',
  summary: 'Serve the server part (split mode) and the whole model (raw offload) over WebSocket on loopback.',
  options: {
    ...testbedModelOptions.options,
    ...linkOptions.options,
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'max-frame-bytes': { type: 'string' },
    'max-in-flight': { type: 'string' },
    'for-s': { type: 'string' },
  },
  help: {
    ...testbedModelOptions.help,
    ...linkOptions.help,
    port: 'TCP port; default 8765, 0: the OS picks',
    host: '127.0.0.1 (default) or ::1: loopback only',
    token: 'the token every request must carry; default $SPIKESPLIT_TOKEN',
    'max-frame-bytes': 'largest request body answered; default 16777216',
    'max-in-flight': 'requests per connection queued or computing; default 4',
    'for-s': 'shut down gracefully after this many seconds; default: on SIGINT/SIGTERM',
  },
  async run(values) {
    const spec = testbedModelSpec(values);
    const token = tokenOption(values);
    const host = choiceOption(values, 'host', ['127.0.0.1', '::1'], '127.0.0.1');
    const port = numberOption(values, 'port', 8765, { min: 0, max: 65535, integer: true });
    const maxFrameBytes = numberOption(values, 'max-frame-bytes', 16 * 2 ** 20, { min: 1, max: 2 ** 30, integer: true });
    const maxInFlightPerConnection = numberOption(values, 'max-in-flight', 4, { min: 1, max: 1024, integer: true });
    const forS = values['for-s'] === undefined ? undefined : numberOption(values, 'for-s', 0, { min: 0, max: 7 * 24 * 3600 });
    const link = linkConfig(values);
    await initBackend(undefined, () => undefined);
    const built = buildTestbedModel(spec);
    try {
      const server = await createServer({ server: split(built.model, spec.splitPoint).server, model: built.model, port, host, token, maxFrameBytes, maxInFlightPerConnection, link });
      console.log(`serving ${built.model.name} (width ${spec.width}, T ${spec.T}) at ${server.url}`);
      console.log(`model: ${built.source}`);
      console.log(`link (replies): ${describeLink(link)}`);
      await new Promise<void>((resolve) => {
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
      console.log('shutting down: finishing requests in flight');
      await server.close();
      const { served, errors } = server.stats();
      console.log(`served ${served} requests; error replies: ${JSON.stringify(errors)}`);
    } finally {
      built.dispose();
    }
  },
};
