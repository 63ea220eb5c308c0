/** The table notebook 00 opens with: the preset, the backend and the versions of what runs the notebooks. */
import type { BackendInfo } from '../backend/backend';

/** One row per item: preset, backend, tfjs, Node.js, tslab (its `versions`), cores, platform. */
export function backendInfoRows(
  preset: string,
  info: BackendInfo,
  tslab: { tslab: string; typescript: string },
): { item: string; value: string }[] {
  return [
    { item: 'preset', value: preset },
    { item: 'backend', value: info.backend },
    { item: 'tfjs-core', value: info.tfjsVersion },
    { item: 'tfjs-node', value: info.tfjsNode.loaded ? 'loaded' : `not loaded (${info.tfjsNode.reason})` },
    { item: 'Node.js', value: info.nodeVersion },
    { item: 'tslab', value: tslab.tslab },
    { item: 'TypeScript in tslab', value: tslab.typescript },
    { item: 'cores', value: String(info.cores) },
    { item: 'platform', value: info.platform },
  ];
}
