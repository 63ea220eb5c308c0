import { initBackend, runLinkErrors, type LinkErrors } from 'spikesplit';
import { experimentOptions, presetOption, type Command } from './command';

function printTable(study: LinkErrors): void {
  console.log(`${study.data}; one frame per image`);
  console.log('split  row               frame B  channel     policy      rate     accuracy  lost frames');
  for (const s of study.splits) {
    for (const p of s.points) {
      console.log(`${s.split.padEnd(5)}  ${s.rowId.padEnd(16)}  ${String(s.frameBytes).padStart(7)}  ${p.channel.padEnd(10)}  ${(p.policy ?? '-').padEnd(10)}  ${String(p.rate).padEnd(7)}  ${(100 * p.accuracy).toFixed(2).padStart(7)}%  ${p.lostFrames}/${s.frames}`);
    }
  }
}

export const linkErrors: Command = {
  name: 'link-errors',
  summary: "Step 3: accuracy of each split point's chosen configuration against bit-error rate and frame loss on the link; skips a finished study.",
  ...experimentOptions,
  async run(values) {
    const preset = presetOption(values);
    await initBackend();
    const study = await runLinkErrors(preset);
    if (values.json) console.log(JSON.stringify(study, null, 2));
    else printTable(study);
  },
};
