import { readFileSync } from 'fs';
import {
  BACKENDS,
  checkLayerRoles,
  createModel,
  energyReport,
  FIRING_RATES_FORMAT,
  HARDWARE_PROFILES,
  hardwareProfile,
  initBackend,
  MODEL_NAMES,
  PAPER_COUNTED_ROLES,
  parseFiringRates,
  RADIO_PROFILES,
  radioProfile,
  type EnergyReport,
  type FiringRates,
  type HardwareProfile,
  type RadioProfile,
} from 'spikesplit';
import { choiceOption, flagOption, numberOption, stringOption, UsageError, type Command, type Values } from './command';
import { printColumns } from './text-table';

/** Runs `f`, turning a library's complaint about the argument's content into a usage error naming the argument. */
function asUsage<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError || err instanceof SyntaxError)
      throw new UsageError(`${prefix}: ${err.message}`);
    throw err;
  }
}

function readJson(option: string, path: string): unknown {
  return asUsage(`--${option} ${path}`, () => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new TypeError(
        `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected a readable JSON file`,
      );
    }
    return JSON.parse(text);
  });
}

/** A built-in profile by name, or a profile JSON file (a path ending in .json). */
function profileOption<P>(
  values: Values,
  option: string,
  builtIn: Readonly<Record<string, P>>,
  resolve: (v: string | P) => P,
): P | undefined {
  const raw = values[option];
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && Object.hasOwn(builtIn, raw)) return resolve(raw);
  if (typeof raw === 'string' && raw.endsWith('.json'))
    return asUsage(`--${option} ${raw}`, () => resolve(readJson(option, raw) as P));
  throw new UsageError(
    `--${option}: expected one of ${Object.keys(builtIn).join(', ')}, or a path to a .json profile, got '${String(raw)}'`,
  );
}

const mj = (pj: number) => (pj / 1e9).toFixed(3);
const mega = (n: number) => (n / 1e6).toFixed(2);

function printTable(report: EnergyReport): void {
  const unit = `M${report.opUnit}s`;
  console.log(
    `${report.model}, ${report.network.toUpperCase()} on ${report.hardware.name}: ${report.hardware.description}`,
  );
  console.log(
    `counted: ${report.countedRoles.join(', ')} layers; per image${report.radio ? `; radio ${report.radio.name}: ${report.radio.energyPerBitNJ} nJ/bit` : ''}`,
  );
  const head = [
    'split',
    `ops (${unit})`,
    `cumulative (${unit})`,
    'energy (mJ)',
    'cumulative (mJ)',
    ...(report.radio ? ['sent (bits)', 'transmit (mJ)'] : []),
  ];
  const body = report.rows.map((r) => [
    r.split,
    mega(r.ops),
    mega(r.cumulativeOps),
    mj(r.energyPJ),
    mj(r.cumulativeEnergyPJ),
    ...(r.transmittedBits === undefined || r.transmitEnergyPJ === undefined
      ? []
      : [String(r.transmittedBits), mj(r.transmitEnergyPJ)]),
  ]);
  printColumns(head, body);
}

export const energy: Command = {
  name: 'energy',
  summary:
    "The device's energy per image up to each split point: MACs (DNN) or SyOPs from firing rates (SNN) on a hardware profile.",
  options: {
    model: stringOption(`the backbone (${MODEL_NAMES.join(', ')})`),
    width: stringOption("channel multiplier (default 1, the papers' networks)"),
    dnn: flagOption(
      'DNN arithmetic: ops are MACs x the energy per MAC (BottleNet++); without it, SNN: SyOPs x the energy per SyOP',
    ),
    'firing-rates': stringOption(`SNN: a JSON file ${FIRING_RATES_FORMAT}`),
    T: stringOption("SNN: time steps (default the file's T, else the model's, 4)"),
    hardware: stringOption(
      `${Object.keys(HARDWARE_PROFILES).join(', ')} (default 45nm), or a .json profile { name, description, source, energyPerMacPJ, energyPerSyopPJ }`,
    ),
    count: stringOption(
      `comma-separated layer roles that count (default ${PAPER_COUNTED_ROLES.join(',')}, as SpikeBottleNet section 4.3)`,
    ),
    radio: stringOption(
      `add transmission of the split point's raw output: ${Object.keys(RADIO_PROFILES).join(', ')}, ` +
        'or a .json profile { name, description, source, energyPerBitNJ }',
    ),
    backend: stringOption(`force a backend (${BACKENDS.join(', ')}); the model is traced once`),
    json: flagOption('print JSON: { rows: [{ split, ops, cumulativeOps, energyPJ, cumulativeEnergyPJ }, ...] }'),
  },
  async run(values) {
    const modelName = choiceOption(values, 'model', MODEL_NAMES);
    const width = numberOption(values, 'width', 1, { min: 0 });
    const hardware =
      profileOption<HardwareProfile>(values, 'hardware', HARDWARE_PROFILES, hardwareProfile) ?? hardwareProfile('45nm');
    const radio = profileOption<RadioProfile>(values, 'radio', RADIO_PROFILES, radioProfile);
    const countedRoles =
      values.count === undefined
        ? undefined
        : asUsage('--count', () =>
            checkLayerRoles(
              String(values.count)
                .split(',')
                .map((r) => r.trim()),
            ),
          );

    let snn: { firingRates: FiringRates; T?: number } | null = null;
    if (values.dnn) {
      for (const option of ['firing-rates', 'T']) {
        if (values[option] !== undefined)
          throw new UsageError(`--${option}: applies to SNN energy; with --dnn every counted layer does its MACs`);
      }
    } else {
      const path = values['firing-rates'];
      if (typeof path !== 'string')
        throw new UsageError(
          `--firing-rates: required for SNN energy, a JSON file ${FIRING_RATES_FORMAT}; or pass --dnn for DNN energy`,
        );
      const firingRates = asUsage(`--firing-rates ${path}`, () =>
        parseFiringRates(readJson('firing-rates', path), 'firing rates'),
      );
      snn = {
        firingRates,
        ...(values.T === undefined ? {} : { T: numberOption(values, 'T', 1, { min: 1, integer: true }) }),
      };
    }

    await initBackend(
      values.backend === undefined ? undefined : choiceOption(values, 'backend', BACKENDS),
      () => undefined,
    );
    const model = asUsage('--width', () => createModel(modelName, { width }));
    try {
      const report = asUsage('spikesplit energy', () =>
        energyReport(model, { network: snn ? 'snn' : 'dnn', hardware, radio, countedRoles, ...(snn ?? {}) }),
      );
      if (values.json) console.log(JSON.stringify({ rows: report.rows }, null, 2));
      else printTable(report);
    } finally {
      model.dispose();
    }
  },
};
