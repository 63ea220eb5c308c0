/**
 * Energy profiles as data: what one operation costs on a piece of hardware, and what one transmitted bit costs
 * on a radio. The built-in ones carry their source; a user adds one by passing an object of the same shape
 * (or, on the command line, a JSON file), which is checked field by field.
 */

export interface HardwareProfile {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  /** One multiply-accumulate (DNN arithmetic); null when the hardware runs no DNN. */
  readonly energyPerMacPJ: number | null;
  /** One synaptic operation, the accumulate a spike triggers (SNN arithmetic); null when it runs no SNN. */
  readonly energyPerSyopPJ: number | null;
}

export interface RadioProfile {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  /** Energy the device spends per transmitted bit. */
  readonly energyPerBitNJ: number;
}

export const HARDWARE_PROFILES: Readonly<Record<string, HardwareProfile>> = {
  '45nm': {
    name: '45nm',
    description: '45 nm CMOS, 32-bit float: a MAC for DNN arithmetic, an add (AC) per SyOP for SNN arithmetic',
    source:
      'M. Horowitz, "Computing\'s energy problem (and what we can do about it)", ISSCC 2014 (FP32 mult 3.7 pJ + add 0.9 pJ); SpikeBottleNet section 4.3',
    energyPerMacPJ: 4.6,
    energyPerSyopPJ: 0.9,
  },
  rolls: {
    name: 'rolls',
    description: 'ROLLS neuromorphic processor (180 nm CMOS): 77 fJ per synaptic operation; no DNN arithmetic',
    source:
      'G. Indiveri, F. Corradi, N. Qiao, "Neuromorphic architectures for spiking deep neural networks", IEDM 2015 (SpikeBottleNet ref. [14]); SpikeBottleNet section 4.3',
    energyPerMacPJ: null,
    energyPerSyopPJ: 0.077,
  },
};

/**
 * Marginal uplink energy per bit of a smartphone radio: the slope alpha_u of the measured power model
 * P = alpha_u * throughput + beta, in mW/Mbps (= nJ/bit). The base power beta and the radio's tail energy
 * after a transfer are not included: this is the cost of the bits alone.
 */
export const RADIO_PROFILES: Readonly<Record<string, RadioProfile>> = {
  'lte-uplink': {
    name: 'lte-uplink',
    description:
      '4G LTE smartphone uplink, marginal energy per bit (alpha_u = 438.39 mW/Mbps), without base power or tail',
    source:
      'J. Huang et al., "A close examination of performance and power characteristics of 4G LTE networks", MobiSys 2012, power model table',
    energyPerBitNJ: 438.39,
  },
  'wifi-uplink': {
    name: 'wifi-uplink',
    description: 'Wi-Fi smartphone uplink, marginal energy per bit (alpha_u = 283.17 mW/Mbps), without base power',
    source:
      'J. Huang et al., "A close examination of performance and power characteristics of 4G LTE networks", MobiSys 2012, power model table',
    energyPerBitNJ: 283.17,
  },
};

type Checks<P> = { readonly [K in keyof P]: (v: unknown) => boolean };

const isText = (v: unknown) => typeof v === 'string' && v.length > 0;
const isEnergy = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isEnergyOrNull = (v: unknown) => v === null || isEnergy(v);

const HARDWARE_FIELDS: Checks<HardwareProfile> = {
  name: isText,
  description: isText,
  source: isText,
  energyPerMacPJ: isEnergyOrNull,
  energyPerSyopPJ: isEnergyOrNull,
};
const HARDWARE_EXPECTED =
  '{ name, description, source: non-empty strings; energyPerMacPJ, energyPerSyopPJ: positive numbers or null }';

const RADIO_FIELDS: Checks<RadioProfile> = {
  name: isText,
  description: isText,
  source: isText,
  energyPerBitNJ: isEnergy,
};
const RADIO_EXPECTED = '{ name, description, source: non-empty strings; energyPerBitNJ: a positive number }';

function resolve<P>(
  kind: string,
  table: Readonly<Record<string, P>>,
  fields: Checks<P>,
  expected: string,
  value: unknown,
): P {
  if (typeof value === 'string') {
    const found = table[value];
    if (!found)
      throw new RangeError(
        `unknown ${kind} profile '${value}'; expected one of ${Object.keys(table).join(', ')}, or a profile object ${expected}`,
      );
    return found;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${kind} profile: expected a name (${Object.keys(table).join(', ')}) or an object ${expected}, got ${JSON.stringify(value)}`,
    );
  }
  const record = value as Record<string, unknown>;
  const bad = (Object.keys(fields) as (keyof P & string)[]).filter((k) => !fields[k](record[k]));
  const extra = Object.keys(record).filter((k) => !(k in fields));
  if (bad.length > 0 || extra.length > 0) {
    const problems = [
      ...bad.map((k) => `'${k}' is ${JSON.stringify(record[k])}`),
      ...extra.map((k) => `'${k}' is not a field`),
    ];
    throw new TypeError(`${kind} profile: ${problems.join('; ')}; expected ${expected}`);
  }
  return record as P;
}

/** A built-in hardware profile by name, or a user's profile object checked field by field. */
export function hardwareProfile(nameOrProfile: string | HardwareProfile): HardwareProfile {
  const profile = resolve('hardware', HARDWARE_PROFILES, HARDWARE_FIELDS, HARDWARE_EXPECTED, nameOrProfile);
  if (profile.energyPerMacPJ === null && profile.energyPerSyopPJ === null) {
    throw new TypeError(
      `hardware profile '${profile.name}': energyPerMacPJ and energyPerSyopPJ are both null; expected at least one positive number`,
    );
  }
  return profile;
}

/** A built-in radio profile by name, or a user's profile object checked field by field. */
export function radioProfile(nameOrProfile: string | RadioProfile): RadioProfile {
  return resolve('radio', RADIO_PROFILES, RADIO_FIELDS, RADIO_EXPECTED, nameOrProfile);
}
