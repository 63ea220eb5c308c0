/**
 * The command-line framework: a command declares each option once, its type together with its line of help,
 * and a run function. Unknown options and bad values fail with a message naming the argument and what is
 * accepted.
 */
import { parseArgs } from 'util';
import { getPreset, PRESET_NAMES, type Preset } from 'spikesplit';

/** One option: `--name <name>` (a string) or `--name` (a flag), and its help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly help: string;
}
export type Options = Readonly<Record<string, OptionSpec>>;
export type Values = Record<string, string | boolean | undefined>;

/** An option that takes a value. */
export const stringOption = (help: string): OptionSpec => ({ type: 'string', help });
/** An option that is given or not. */
export const flagOption = (help: string): OptionSpec => ({ type: 'boolean', help });

export interface Command {
  name: string;
  summary: string;
  /** Positional arguments, for the usage line, e.g. '<resnet18|resnet50>'. */
  positionals?: string;
  options: Options;
  run(values: Values, positionals: string[]): Promise<void>;
}

/** A usage error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}

export function usage(cmd: Command): string {
  const lines = [
    `usage: spikesplit ${cmd.name}${cmd.positionals ? ` ${cmd.positionals}` : ''} [options]`,
    '',
    cmd.summary,
    '',
    'options:',
  ];
  const entries = Object.entries(cmd.options).map(([name, o]) => [
    `--${name}${o.type === 'string' ? ` <${name}>` : ''}`,
    o.help,
  ]);
  entries.push(['--help', 'show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length));
  for (const [flag, text] of entries) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  return lines.join('\n');
}

export function parse(cmd: Command, argv: string[]): { values: Values; positionals: string[]; help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.entries(cmd.options).map(([name, o]) => [name, { type: o.type }])),
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...rest } = values as Values;
    if (!cmd.positionals && positionals.length > 0)
      throw new TypeError(
        `unexpected argument(s) ${positionals.map((p) => `'${p}'`).join(' ')}; this command takes options only`,
      );
    return { values: rest, positionals, help: help === true };
  } catch (err) {
    throw new UsageError(`spikesplit ${cmd.name}: ${(err as Error).message}\n\n${usage(cmd)}`);
  }
}

/** A string option parsed as a number within bounds; names the option on failure. */
export function numberOption(
  values: Values,
  name: string,
  fallback: number,
  { min = -Infinity, max = Infinity, integer = false } = {},
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a number';
    throw new UsageError(`--${name}: expected ${kind} in [${min}, ${max}], got '${String(raw)}'`);
  }
  return value;
}

/** A string option that must be one of `choices`. */
export function choiceOption<T extends string>(values: Values, name: string, choices: readonly T[], fallback?: T): T {
  const raw = values[name] ?? fallback;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name}: expected one of ${choices.join(', ')}, got '${String(raw)}'`);
  }
  return raw as T;
}

/** `--preset`: one of the presets; default `SPIKESPLIT_PRESET`, else 'cpu'. */
export function presetOption(values: Values): Preset {
  const name = (values.preset as string | undefined) ?? process.env.SPIKESPLIT_PRESET ?? 'cpu';
  return getPreset(choiceOption(values.preset === undefined ? { preset: name } : values, 'preset', PRESET_NAMES));
}

/** The options every experiment command shares. */
export const experimentOptions = {
  preset: stringOption(`${PRESET_NAMES.join(' | ')}; default SPIKESPLIT_PRESET, else cpu`),
  json: flagOption('print the result as JSON on stdout'),
} satisfies Options;
