/**
 * Step 3, the link: accuracy of the sweep's configuration at each split point when what the device sends
 * crosses a noisy link. Every test image is one frame (`encodeFrame`, packed: one bit per spike, with header and
 * CRC-32), sent over a binary symmetric channel or lost whole, and the server classifies what arrives:
 *
 *   bit errors, policy 'erase'       every bit of the frame flips with the bit-error rate; a frame that fails its
 *                                    checks (nearly any flip breaks the CRC) is dropped, and the server runs on
 *                                    all-zero spikes in its place (what `erasedFrame` substitutes);
 *   bit errors, policy 'ignore-crc'  only the payload's bits flip, the header arrives intact, the CRC is not
 *                                    checked: the server runs on the damaged spikes;
 *   frame loss                       each frame is lost with a probability (`dropFrames`), and the server runs on
 *                                    all-zero spikes in its place.
 *
 * At rate 0 every channel delivers the frame as sent: those points are one measurement, the clean accuracy of
 * the same images. The model of a split point is its sweep row's fine-tuned checkpoint. Written to
 * `runs/<preset>/link-errors.json` atomically; a run finds it there and skips.
 */
import { readJsonArtefactIfPresent } from '../../util/artefact';
import { writeJsonAtomic } from '../../util/atomic';
import { presetData } from '../data';
import type { Preset } from '../preset';
import { provenance } from '../provenance';
import { collectResults } from '../results';
import { configurationPerSplit } from './configuration';
import {
  checkLinkErrorConfig,
  LINK_POLICY_DESCRIPTIONS,
  linkErrorsFile,
  type LinkErrorConfig,
  type LinkErrors,
  type LinkErrorSplit,
} from './schema';
import { studySplit } from './split-study';

/** `count` indices spread evenly over [0, total). */
function evenlySpaced(total: number, count: number | null): number[] {
  const n = count === null ? total : Math.min(count, total);
  return Array.from({ length: n }, (_, i) => Math.floor((i * total) / n));
}

/**
 * Runs the link study for the preset's finished sweep (or returns the one already written), with the preset's
 * `linkErrors` section unless `config` is given. Throws, naming the rows, when the sweep is not finished.
 */
export async function runLinkErrors(
  preset: Preset,
  options: { config?: LinkErrorConfig; log?: (line: string) => void } = {},
): Promise<LinkErrors> {
  const done = readJsonArtefactIfPresent<LinkErrors>(linkErrorsFile(preset.name)); // this run's own, never the published one
  if (done) return done;
  const config = options.config ?? preset.linkErrors;
  checkLinkErrorConfig(config);
  const log = options.log ?? ((l: string) => console.error(l));
  const results = collectResults(preset);
  if (results.missing.length > 0 || results.rows.length === 0) {
    const notRun = results.missing.join(', ') || 'every row';
    throw new Error(
      `the link study needs the finished sweep of preset '${preset.name}'; not run yet: ${notRun}. ` +
        `Run 'spikesplit sweep --preset ${preset.name}' first`,
    );
  }
  const data = await presetData(preset);
  const indices = evenlySpaced(data.test.count, config.testImages);
  const splits: LinkErrorSplit[] = [];
  for (const picked of configurationPerSplit(results)) {
    splits.push(await studySplit(preset, config, picked, data.test, data.classes, indices, log));
  }
  const study: LinkErrors = {
    ...provenance(preset.name, config.seed),
    config,
    policies: LINK_POLICY_DESCRIPTIONS,
    data: `${data.description}; ${indices.length} test images${indices.length < data.test.count ? ', evenly spaced' : ''}`,
    testImages: indices.length,
    splits,
  };
  writeJsonAtomic(linkErrorsFile(preset.name), study);
  return study;
}
