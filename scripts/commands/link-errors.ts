import { linkAccuracyInterval, percentWithInterval, runLinkErrors, type LinkErrors } from 'spikesplit';
import { experimentCommand } from './experiment';
import { printColumns } from './text-table';

function printTable(study: LinkErrors): void {
  console.log(`${study.data}; one frame per image`);
  const rows = study.splits.flatMap((s) =>
    s.points.map((p) => [
      s.split,
      s.rowId,
      String(s.frameBytes),
      p.channel,
      p.policy ?? '-',
      String(p.rate),
      percentWithInterval(p.accuracy, linkAccuracyInterval(study, p.accuracy)),
      `${p.lostFrames}/${s.frames}`,
    ]),
  );
  printColumns(
    ['split', 'row', 'frame B', 'channel', 'policy', 'rate', 'accuracy % [95% Wilson CI]', 'lost frames'],
    rows,
  );
}

export const linkErrors = experimentCommand({
  name: 'link-errors',
  summary:
    "Step 3: accuracy of each split point's chosen configuration against bit-error rate and frame loss on the link; skips a finished study.",
  run: runLinkErrors,
  print: printTable,
});
