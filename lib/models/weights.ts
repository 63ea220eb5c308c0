/**
 * Weights on disk: a JSON manifest `<stem>.json` and one binary `<stem>.bin` of little-endian float32 values.
 *
 *   { "format": "spikesplit-weights", "version": 1, "model": "resnet18",
 *     "binary": "<stem>.bin", "bytes": 44696576, "sha256": "<hex of the binary>",
 *     "tensors": [{ "name": "stem.conv.weight", "shape": [3, 3, 3, 64], "dtype": "float32", "offset": 0 }, ...] }
 *
 * `offset` is in bytes. Every named variable is saved, tdBN/BN running statistics included. Both files are
 * written atomically, the binary first; the manifest's hash ties them, so a manifest never describes another
 * binary. Loading checks every name and shape before assigning anything.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { NamedVariable } from '../snn/module';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { readJsonArtefact } from '../util/artefact';

export const WEIGHTS_FORMAT = 'spikesplit-weights';
export const WEIGHTS_VERSION = 1;

export interface WeightsEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
  /** Byte offset into the binary. */
  readonly offset: number;
}

export interface WeightsManifest {
  readonly format: typeof WEIGHTS_FORMAT;
  readonly version: number;
  readonly model: string | null;
  /** File name of the binary, beside the manifest. */
  readonly binary: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly tensors: WeightsEntry[];
}

/** Anything with named variables: a backbone, a backbone with a bottleneck, a single module. */
export interface HasNamedVariables {
  readonly name?: string;
  namedVariables(): NamedVariable[];
}

function binaryPath(manifestFile: string): string {
  if (!manifestFile.endsWith('.json'))
    throw new RangeError(`weights manifest path must end in .json, got '${manifestFile}'`);
  return manifestFile.slice(0, -'.json'.length) + '.bin';
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The model's weights as a manifest (naming `binary` as the file beside it) and the binary's bytes, in memory. */
export function serializeWeights(
  model: HasNamedVariables,
  binary: string,
): { manifest: WeightsManifest; bytes: Uint8Array } {
  const variables = model.namedVariables();
  const total = variables.reduce((s, v) => s + v.variable.size, 0);
  const values = new Float32Array(total);
  const tensors: WeightsEntry[] = [];
  let at = 0;
  for (const { name, variable } of variables) {
    if (variable.dtype !== 'float32')
      throw new TypeError(`saveWeights: '${name}' is ${variable.dtype}; only float32 is stored`);
    values.set(variable.dataSync() as Float32Array, at);
    tensors.push({ name, shape: [...variable.shape], dtype: 'float32', offset: at * 4 });
    at += variable.size;
  }
  const bytes = new Uint8Array(values.buffer);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error('saveWeights: big-endian hosts are not supported');
  const manifest: WeightsManifest = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    model: model.name ?? null,
    binary,
    bytes: bytes.length,
    sha256: sha256(bytes),
    tensors,
  };
  return { manifest, bytes };
}

export function saveWeights(model: HasNamedVariables, manifestFile: string): WeightsManifest {
  const binFile = binaryPath(manifestFile);
  const { manifest, bytes } = serializeWeights(model, path.basename(binFile));
  writeFileAtomic(binFile, bytes);
  writeJsonAtomic(manifestFile, manifest);
  return manifest;
}

function readManifest(manifestFile: string): WeightsManifest {
  const m = readJsonArtefact<WeightsManifest>(manifestFile, 'delete it and its .bin to retrain');
  if (m.format !== WEIGHTS_FORMAT || m.version !== WEIGHTS_VERSION) {
    throw new Error(
      `${manifestFile}: expected format '${WEIGHTS_FORMAT}' version ${WEIGHTS_VERSION}, got '${m.format}' version ${m.version}`,
    );
  }
  return m;
}

/** Assigns every variable of `model` from the files; throws, assigning nothing, on any name or shape mismatch. */
export function loadWeights(model: HasNamedVariables, manifestFile: string): void {
  const manifest = readManifest(manifestFile);
  const binFile = path.join(path.dirname(manifestFile), manifest.binary);
  const bytes = new Uint8Array(fs.readFileSync(binFile));
  if (bytes.length !== manifest.bytes || sha256(bytes) !== manifest.sha256) {
    throw new Error(
      `${binFile}: ${bytes.length} bytes whose sha256 does not match the manifest ${manifestFile} (${manifest.bytes} bytes); the pair was not saved together`,
    );
  }
  assignWeights(model, manifest, bytes, manifestFile);
}

/**
 * Assigns every variable of `model` from a manifest and its binary's bytes (checked against each other by the
 * caller); throws, assigning nothing, on any name or shape mismatch. `source` names them in errors.
 */
export function assignWeights(
  model: HasNamedVariables,
  manifest: WeightsManifest,
  bytes: Uint8Array,
  source: string,
): void {
  const entries = new Map(manifest.tensors.map((e) => [e.name, e]));
  const variables = model.namedVariables();
  const shape = (dims: readonly number[]) => `[${dims.join(', ')}]`;
  const mismatched: string[] = [];
  const missing: string[] = [];
  for (const { name, variable } of variables) {
    const e = entries.get(name);
    if (!e) missing.push(`'${name}' ${shape(variable.shape)}`);
    else if (shape(e.shape) !== shape(variable.shape))
      mismatched.push(`'${name}' is ${shape(e.shape)} in the file but ${shape(variable.shape)} in the model`);
  }
  const known = new Set(variables.map((v) => v.name));
  const extra = manifest.tensors.filter((e) => !known.has(e.name)).map((e) => `'${e.name}' ${shape(e.shape)}`);
  const list = (items: string[]) =>
    items.slice(0, 4).join(', ') + (items.length > 4 ? `, ... (${items.length} in all)` : '');
  const problems = [
    mismatched.length ? `shape mismatch: ${list(mismatched)}` : '',
    missing.length ? `missing from the file: ${list(missing)}` : '',
    extra.length ? `in the file but not the model: ${list(extra)}` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(
      `cannot load ${source} (saved from '${manifest.model}') into '${model.name ?? 'model'}': ${problems.join('; ')}`,
    );
  }
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  tf.tidy(() => {
    for (const { name, variable } of variables) {
      const e = entries.get(name)!;
      const start = e.offset / 4;
      variable.assign(tf.tensor(floats.subarray(start, start + variable.size), variable.shape));
    }
  });
}
