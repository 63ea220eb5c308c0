#!/usr/bin/env node
/** `spikesplit <command> [options]`: the command-line entry point. `spikesplit --help` lists the commands. */
import { info } from './commands/info';
import { model } from './commands/model';
import { bits } from './commands/bits';
import { energy } from './commands/energy';
import { evalCommand } from './commands/eval';
import { sweep } from './commands/sweep';
import { train } from './commands/train';
import { linkErrors } from './commands/link-errors';
import { serve } from './commands/serve';
import { device } from './commands/device';
import { testbed } from './commands/testbed';
import { neucodex } from './commands/neucodex';
import { worker } from './commands/worker';
import { applyEnvironment, CoinferError, FileError, ScaleoutError } from 'spikesplit';
import { parse, usage, UsageError, type Command } from './commands/command';

const COMMANDS: Command[] = [
  info,
  model,
  train,
  sweep,
  linkErrors,
  neucodex,
  evalCommand,
  bits,
  energy,
  serve,
  device,
  testbed,
  worker,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: spikesplit <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "'spikesplit <command> --help' describes a command's options.",
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd)
    throw new UsageError(
      `spikesplit: unknown command '${name}'; expected one of: ${COMMANDS.map((c) => c.name).join(', ')}\n\n${overview()}`,
    );
  const { values, positionals, help } = parse(cmd, rest);
  if (help) {
    console.log(usage(cmd));
    return;
  }
  applyEnvironment(process.env);
  await cmd.run(values, positionals);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // a bad argument, or a file given or written earlier that cannot be used: the message says which and what to do
  if (err instanceof UsageError || err instanceof FileError) {
    console.error(err.message);
    process.exit(2);
  }
  // a request the server refused (or that got no reply): its message names what happened; the stack adds nothing
  // likewise a --queue or --store that cannot be used
  if (err instanceof CoinferError || err instanceof ScaleoutError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
