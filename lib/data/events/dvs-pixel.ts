/**
 * The DVS pixel model: a sequence of intensity frames becomes ON/OFF events by log-intensity change thresholds
 * (the model of ESIM and v2e without their photoreceptor filtering and shot noise).
 *
 * Each pixel keeps a reference log intensity L_ref, set from the first frame, with L = ln(I + logOffset).
 * Between two frames the log intensity is taken to move linearly from L0 to L1. Each time it gets
 * `thresholdOn` above L_ref the pixel emits an ON event and raises L_ref by `thresholdOn`; each time it gets
 * `thresholdOff` below, an OFF event, and L_ref drops by `thresholdOff`. An event's time is where the linear path
 * crosses the new level, rounded to whole microseconds. A crossing within `refractoryUs` after the pixel's previous
 * event is dropped but still moves L_ref, as a pixel held in reset loses the change. With `thresholdSigma` > 0 each
 * pixel gets its own thresholds, nominal + sigma * N(0, 1), drawn once and kept at least 0.01 (v2e's mismatch
 * model and floor). Events come out sorted by time.
 */
import { Rng } from '../../util/rng';
import { EventStream } from './stream';

export interface IntensityFrame {
  intensity: Float32Array; // [H, W] linear intensity >= 0 (1 = white)
  tUs: number; // time of the frame in microseconds, increasing
}

export interface DvsPixelOptions {
  /** Log-intensity rise per ON event; default 0.2 (v2e's default). */
  thresholdOn?: number;
  /** Log-intensity fall per OFF event; default 0.2. */
  thresholdOff?: number;
  /** Standard deviation of the per-pixel threshold mismatch, in log units; default 0 (needs `rng` when > 0). */
  thresholdSigma?: number;
  /** Dead time after an event in which the pixel emits nothing; default 0. */
  refractoryUs?: number;
  /** L = ln(I + logOffset), keeping black finite; default 0.01. */
  logOffset?: number;
  /** Draws the threshold mismatch. */
  rng?: Rng;
}

const MIN_THRESHOLD = 0.01;

function pixelThresholds(count: number, nominal: number, sigma: number, rng: Rng | undefined): Float64Array {
  const thresholds = new Float64Array(count).fill(nominal);
  if (sigma > 0) {
    if (!rng)
      throw new RangeError(
        `DVS pixel model: thresholdSigma is ${sigma} but no rng was given; expected an Rng to draw the mismatch`,
      );
    for (let i = 0; i < count; i++) thresholds[i] = Math.max(MIN_THRESHOLD, nominal + sigma * rng.normal());
  }
  return thresholds;
}

function checkFrame(frame: IntensityFrame, index: number, pixels: number, previousUs: number): void {
  if (frame.intensity.length !== pixels) {
    throw new RangeError(
      `eventsFromIntensityFrames: frame ${index} has ${frame.intensity.length} values; expected H*W = ${pixels}`,
    );
  }
  if (!Number.isFinite(frame.tUs) || frame.tUs <= previousUs) {
    throw new RangeError(
      `eventsFromIntensityFrames: frame ${index} is at ${frame.tUs} µs; expected a finite time after ${previousUs} µs`,
    );
  }
  for (let i = 0; i < pixels; i++) {
    if (!(frame.intensity[i] >= 0) || frame.intensity[i] === Infinity) {
      throw new RangeError(
        `eventsFromIntensityFrames: frame ${index} pixel ${i} has intensity ${frame.intensity[i]}; expected a finite value >= 0`,
      );
    }
  }
}

/** Turns intensity frames of `size` into the events a DVS would emit; the first frame sets the references. */
export function eventsFromIntensityFrames(
  frames: Iterable<IntensityFrame>,
  size: { height: number; width: number },
  options: DvsPixelOptions = {},
): EventStream {
  const { height, width } = checkSize(size);
  const o = pixelOptions(options);
  const pixels = height * width;
  const state: PixelState = {
    onThresholds: pixelThresholds(pixels, o.thresholdOn, o.thresholdSigma, options.rng),
    offThresholds: pixelThresholds(pixels, o.thresholdOff, o.thresholdSigma, options.rng),
    referenceLog: new Float64Array(pixels),
    previousLog: new Float64Array(pixels),
    lastEventUs: new Float64Array(pixels).fill(-Infinity),
  };
  const events: PixelEvents = { times: [], pixels: [], polarities: [] };
  let previousUs = -Infinity;
  let index = 0;
  for (const frame of frames) {
    checkFrame(frame, index, pixels, previousUs);
    const stepStart = events.times.length;
    if (index === 0) setReferences(frame, state, o.logOffset);
    else emitCrossings(frame, previousUs, state, o, events);
    sortSegmentByTime(events.times, events.pixels, events.polarities, stepStart);
    previousUs = frame.tUs;
    index++;
  }
  if (index === 0) throw new RangeError('eventsFromIntensityFrames: no frames; expected at least one');
  return eventStream(events, width, height);
}

function checkSize({ height, width }: { height: number; width: number }): { height: number; width: number } {
  if (
    !Number.isInteger(height) ||
    !Number.isInteger(width) ||
    height < 1 ||
    width < 1 ||
    width > 0x10000 ||
    height > 0x10000
  ) {
    throw new RangeError(
      `eventsFromIntensityFrames: size ${height}x${width} (HxW) is invalid; expected positive integers up to 65536`,
    );
  }
  return { height, width };
}

/** The options with their defaults, checked. */
function pixelOptions(options: DvsPixelOptions) {
  const { thresholdOn = 0.2, thresholdOff = 0.2, thresholdSigma = 0, refractoryUs = 0, logOffset = 0.01 } = options;
  for (const [name, value] of Object.entries({ thresholdOn, thresholdOff, logOffset })) {
    if (!(value > 0) || !Number.isFinite(value))
      throw new RangeError(`eventsFromIntensityFrames: ${name} is ${value}; expected a finite number > 0`);
  }
  for (const [name, value] of Object.entries({ thresholdSigma, refractoryUs })) {
    if (!(value >= 0) || !Number.isFinite(value))
      throw new RangeError(`eventsFromIntensityFrames: ${name} is ${value}; expected a finite number >= 0`);
  }
  return { thresholdOn, thresholdOff, thresholdSigma, refractoryUs, logOffset };
}

/** What each pixel keeps between frames. */
interface PixelState {
  onThresholds: Float64Array;
  offThresholds: Float64Array;
  referenceLog: Float64Array;
  previousLog: Float64Array;
  lastEventUs: Float64Array;
}

/** The events so far, one entry per event in each array. */
interface PixelEvents {
  times: number[];
  pixels: number[];
  polarities: number[];
}

/** The first frame: every pixel's reference (and previous) log intensity. */
function setReferences(frame: IntensityFrame, state: PixelState, logOffset: number): void {
  for (let i = 0; i < frame.intensity.length; i++) {
    const log1 = Math.log(frame.intensity[i] + logOffset);
    state.referenceLog[i] = log1;
    state.previousLog[i] = log1;
  }
}

/** The events of every pixel whose log intensity crosses its reference's levels between the previous frame and `frame`. */
function emitCrossings(
  frame: IntensityFrame,
  previousUs: number,
  { onThresholds, offThresholds, referenceLog, previousLog, lastEventUs }: PixelState,
  { refractoryUs, logOffset }: { refractoryUs: number; logOffset: number },
  events: PixelEvents,
): void {
  for (let i = 0; i < frame.intensity.length; i++) {
    const log1 = Math.log(frame.intensity[i] + logOffset);
    const log0 = previousLog[i];
    previousLog[i] = log1;
    const rising = log1 > log0;
    const threshold = rising ? onThresholds[i] : offThresholds[i];
    const direction = rising ? 1 : -1;
    let reference = referenceLog[i];
    while ((log1 - reference) * direction >= threshold) {
      reference += direction * threshold;
      const crossingUs = previousUs + ((reference - log0) / (log1 - log0)) * (frame.tUs - previousUs);
      if (crossingUs >= lastEventUs[i] + refractoryUs) {
        lastEventUs[i] = crossingUs;
        events.times.push(Math.round(crossingUs));
        events.pixels.push(i);
        events.polarities.push(rising ? 1 : 0);
      }
    }
    referenceLog[i] = reference;
  }
}

/** The events as a stream of `width` x `height`. */
function eventStream({ times, pixels, polarities }: PixelEvents, width: number, height: number): EventStream {
  const n = times.length;
  const stream: EventStream = {
    x: new Uint16Array(n),
    y: new Uint16Array(n),
    p: new Uint8Array(n),
    t: new Float64Array(n),
    width,
    height,
  };
  for (let e = 0; e < n; e++) {
    stream.x[e] = pixels[e] % width;
    stream.y[e] = Math.floor(pixels[e] / width);
    stream.p[e] = polarities[e];
    stream.t[e] = times[e];
  }
  return stream;
}

/**
 * Stable sort of the events appended since `start` by their whole-µs time (all lie between the step's two frames),
 * so events at the same microsecond stay in pixel order.
 */
function sortSegmentByTime(times: number[], pixels: number[], polarities: number[], start: number): void {
  const order = Array.from({ length: times.length - start }, (_, k) => start + k).sort((a, b) => times[a] - times[b]);
  const sorted = order.map((k) => [times[k], pixels[k], polarities[k]]);
  sorted.forEach(([time, pixel, polarity], k) => {
    times[start + k] = time;
    pixels[start + k] = pixel;
    polarities[start + k] = polarity;
  });
}
