/** What a preset's numbers can and cannot say, for notebooks and the report to state beside them. */
import type { Preset } from '../experiments/preset';
import { publishedNote } from '../experiments/published';

const CAVEATS: Readonly<Record<string, string>> = {
  tiny: 'It only checks that everything runs: its accuracies are at chance, and its numbers mean nothing about the method.',
  cpu: "A scaled-down run: its numbers show the method's trends at this scale, not the paper's setting (ResNet-50 on CIFAR-100, fully trained).",
};

/**
 * The caveat to state beside a preset's numbers (its description, then what they can say; null for the paper's
 * setting), followed by which run they come from when it is the published one (`publishedNote`).
 */
export function presetCaveat(preset: Preset): string | null {
  const caveat = CAVEATS[preset.name];
  const parts = [caveat === undefined ? null : `Preset ${preset.name} (${preset.description}). ${caveat}`];
  return (
    parts
      .concat(publishedNote(preset.name))
      .filter((p) => p !== null)
      .join(' ') || null
  );
}
