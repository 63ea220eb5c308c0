import { backendInfo, engineInfo, initBackend, BACKENDS } from 'spikesplit';
import { choiceOption, flagOption, stringOption, type Command } from './command';

export const info: Command = {
  name: 'info',
  summary:
    'The active compute backend, tfjs and Node versions, whether tfjs-node loaded (and why not), the cores, and the threads the spike engine uses.',
  options: {
    json: flagOption('print JSON'),
    backend: stringOption(
      `force a backend (${BACKENDS.join(', ')}); default: SPIKESPLIT_BACKEND, else the first that loads`,
    ),
  },
  async run(values) {
    await initBackend(
      values.backend === undefined ? undefined : choiceOption(values, 'backend', BACKENDS),
      () => undefined,
    );
    const i = { ...backendInfo(), engine: engineInfo() };
    if (values.json) {
      console.log(JSON.stringify(i, null, 2));
      return;
    }
    console.log(`backend      ${i.backend}`);
    console.log(`tfjs         ${i.tfjsVersion}`);
    console.log(`node         ${i.nodeVersion} (${i.platform})`);
    console.log(`tfjs-node    ${i.tfjsNode.loaded ? 'loaded' : `not loaded: ${i.tfjsNode.reason}`}`);
    console.log(`cores        ${i.cores}`);
    console.log(`threads      ${i.engine.threads} (spike engine: ${i.engine.kernels}; SPIKESPLIT_THREADS overrides)`);
  },
};
