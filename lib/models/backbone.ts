/**
 * The model interface every backbone implements, and the one class that implements it: an encoder, a stem,
 * a list of named stages (each ends at a split point) and a classifier.
 *
 *   image [B, H, W, C] --encoder--> [T*B, H, W, C] --stem--> RB1 --> ... --> RBn --classifier--> [T, B, classes]
 *
 * `forwardTo(x, p)` runs the head up to and including split point p (what the device computes);
 * `forwardFrom(h, p)` runs the tail after it (what the server computes). A bottleneck goes between them:
 *   const h = model.forwardTo(x, 'RB3', ctx);                  // [T*B, h, w, c]
 *   const run = makeRun(ctx, model.T);                         // what the bottleneck Modules take
 *   const r = decoder.forward(encoder.forward(h, run), run);   // spikes on the wire in between
 *   const logits = model.forwardFrom(r, 'RB3', ctx);           // [B, classes]
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputEncoder } from '../snn/encoding';
import { ForwardContext, Run, makeRun, Module, NamedVariable } from '../snn/module';
import { unfoldTime } from '../snn/time';
import { Classifier } from './classifier';
import { residentBlocks, residentInference, residentStem, runsResident, type ResidualParts } from './resident-block';
import { sameShape } from '../util/shape';

export type Shape3 = [number, number, number];

export interface SplittableModel {
  /** A registry name (`MODEL_NAMES`): 'resnet50', 'sew-resnet50', 'vgg16', ... */
  readonly name: string;
  /** Default time steps (1 for the DNN). */
  readonly T: number;
  readonly classes: number;
  readonly spiking: boolean;
  /** One image (or one event frame) `[H, W, C]`. */
  readonly inputShape: Readonly<Shape3>;
  /** Split point names in network order (`RB1`..`RB16`, `P1`..`P5`). */
  readonly splitPoints: readonly string[];
  /** Output of a split point per image per step `[h, w, c]`. */
  splitShape(point: string): Shape3;
  /** Logits averaged over T: `[B, classes]`. */
  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor;
  /** Per-step logits `[T, B, classes]` (early exit reads running means of these). */
  forwardSteps(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor;
  /** The head: input (`[B, H, W, C]` images, or `[T*B, H, W, C]` frames) to split point `point`: `[T*B, h, w, c]`. */
  forwardTo(x: tf.Tensor, point: string, ctx?: ForwardContext): tf.Tensor;
  /** The tail: split point output `[T*B, h, w, c]` to logits `[B, classes]`. */
  forwardFrom(h: tf.Tensor, point: string, ctx?: ForwardContext): tf.Tensor;
  /** The tail with per-step logits `[T, B, classes]`. */
  forwardStepsFrom(h: tf.Tensor, point: string, ctx?: ForwardContext): tf.Tensor;
  /** Every variable by name, running statistics included (save/load). */
  namedVariables(): NamedVariable[];
  /** What `tf.variableGrads` must be given (its default would take every model's variables). */
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

/** A stage ends at the split point it is named after. */
export interface BackboneStage {
  readonly name: string;
  readonly module: Module;
  /** The module as a residual block: consecutive blocks may then run as one engine op (resident-block.ts). */
  readonly block?: ResidualParts;
}

export interface BackboneSpec {
  readonly name: string;
  readonly T: number;
  readonly spiking: boolean;
  readonly inputShape: Shape3;
  readonly encoder: InputEncoder;
  readonly stem: Module | null;
  readonly stages: BackboneStage[];
  readonly classifier: Classifier;
}

export class SplitBackbone implements SplittableModel {
  readonly name: string;
  readonly T: number;
  readonly classes: number;
  readonly spiking: boolean;
  readonly inputShape: Readonly<Shape3>;
  readonly splitPoints: readonly string[];
  readonly encoder: InputEncoder;
  readonly stem: Module | null;
  readonly stages: readonly BackboneStage[];
  readonly classifier: Classifier;
  private readonly shapes = new Map<string, Shape3>();

  constructor(spec: BackboneSpec) {
    if (!Number.isInteger(spec.T) || spec.T < 1)
      throw new RangeError(`${spec.name}: T must be a positive integer, got ${spec.T}`);
    if (spec.stages.length === 0) throw new RangeError(`${spec.name}: a backbone needs at least one stage`);
    this.name = spec.name;
    this.T = spec.T;
    this.spiking = spec.spiking;
    this.inputShape = spec.inputShape;
    this.encoder = spec.encoder;
    this.stem = spec.stem;
    this.stages = spec.stages;
    this.classifier = spec.classifier;
    this.classes = spec.classifier.classes;
    this.splitPoints = spec.stages.map((s) => s.name);
    let shape = spec.stem ? spec.stem.outShape(spec.inputShape) : [...spec.inputShape];
    for (const stage of spec.stages) {
      shape = stage.module.outShape(shape);
      this.shapes.set(stage.name, shape as Shape3);
    }
    const names = this.namedVariables().map((v) => v.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`${spec.name}: variable name '${duplicate}' is used twice`);
  }

  splitShape(point: string): Shape3 {
    return [...this.shapes.get(this.pointName(point))!] as Shape3;
  }

  forward(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    return tf.tidy(() => tf.mean(this.forwardSteps(x, ctx), 0));
  }

  forwardSteps(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    const last = this.splitPoints[this.splitPoints.length - 1];
    return tf.tidy(() => this.forwardStepsFrom(this.forwardTo(x, last, ctx), last, ctx));
  }

  forwardTo(x: tf.Tensor, point: string, ctx: ForwardContext = {}): tf.Tensor {
    const end = this.splitPoints.indexOf(this.pointName(point));
    const run = makeRun(ctx, this.T);
    this.checkInput(x, run);
    return tf.tidy(() => {
      const chain = this.chainAt(0, end, run);
      const stem = chain.length > 0 && this.encoder.kind === 'direct' ? residentStem(this.stem) : null;
      if (stem) {
        // every step's input is the image: the stem's conv runs once per image, the blocks after it resident
        run.observer?.splitPoint?.(this.splitPoints[0]);
        const h = residentBlocks(chain, x, run, (k) => this.enter(k, run), stem)!;
        return this.runStages(chain.length, end, h, run);
      }
      let h = this.encoder.encode(x, run.T); // [T*B, H, W, C]
      if (this.encoder.spiking) run.observer?.activation?.('input', h, true, run);
      run.observer?.splitPoint?.(this.splitPoints[0]); // the stem counts with the first split point
      if (this.stem) h = this.stem.forward(h, run);
      return this.runStages(0, end, h, run);
    });
  }

  forwardFrom(h: tf.Tensor, point: string, ctx: ForwardContext = {}): tf.Tensor {
    return tf.tidy(() => tf.mean(this.forwardStepsFrom(h, point, ctx), 0));
  }

  forwardStepsFrom(h: tf.Tensor, point: string, ctx: ForwardContext = {}): tf.Tensor {
    const start = this.splitPoints.indexOf(this.pointName(point)) + 1;
    const run = makeRun(ctx, this.T);
    const expected = this.splitShape(point);
    if (h.rank !== 4 || !sameShape(h.shape.slice(1), expected) || h.shape[0] % run.T !== 0) {
      throw new RangeError(
        `${this.name}.forwardFrom('${point}'): expected [T*B, ${expected.join(', ')}] with T = ${run.T}, got shape [${h.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const y = this.runStages(start, this.stages.length - 1, h, run);
      run.observer?.splitPoint?.(null);
      return unfoldTime(this.classifier.forward(y, run), run.T); // [T, B, classes]
    });
  }

  namedVariables(): NamedVariable[] {
    const modules = [...(this.stem ? [this.stem] : []), ...this.stages.map((s) => s.module), this.classifier];
    return modules.flatMap((m) => m.namedVariables());
  }

  trainableVariables(): tf.Variable[] {
    return this.namedVariables()
      .filter((v) => v.variable.trainable)
      .map((v) => v.variable);
  }

  dispose(): void {
    this.stem?.dispose();
    for (const s of this.stages) s.module.dispose();
    this.classifier.dispose();
  }

  /** Stages `first`..`last` on `h`; in resident inference, each run of consecutive blocks as one engine op. */
  private runStages(first: number, last: number, h: tf.Tensor, run: Run): tf.Tensor {
    for (let i = first; i <= last;) {
      const chain = this.chainAt(i, last, run);
      if (chain.length > 0) {
        h = residentBlocks(chain, h, run, (k) => this.enter(i + k, run))!;
        i += chain.length;
      } else {
        this.enter(i, run);
        h = this.stages[i].module.forward(h, run);
        i++;
      }
    }
    return h;
  }

  /** The blocks from stage `first` on, up to `last`, that run resident as one op (none outside resident inference). */
  private chainAt(first: number, last: number, run: Run): ResidualParts[] {
    const chain: ResidualParts[] = [];
    if (!residentInference(run)) return chain;
    for (let i = first; i <= last; i++) {
      const block = this.stages[i].block;
      if (!block || !runsResident(block)) break;
      chain.push(block);
    }
    return chain;
  }

  /** Observers learn that stage `i`'s layers follow. */
  private enter(i: number, run: Run): void {
    run.observer?.splitPoint?.(this.stages[i].name);
  }

  private pointName(point: string): string {
    if (!this.shapes.has(point))
      throw new RangeError(
        `${this.name}: unknown split point '${point}'; expected one of ${this.splitPoints.join(', ')}`,
      );
    return point;
  }

  private checkInput(x: tf.Tensor, run: Run): void {
    const rows = this.encoder.kind === 'frames' ? 'T*B' : 'B';
    if (x.rank !== 4 || !sameShape(x.shape.slice(1), this.inputShape) || (rows === 'T*B' && x.shape[0] % run.T !== 0)) {
      throw new RangeError(
        `${this.name}: expected ${this.encoder.kind} input [${rows}, ${this.inputShape.join(', ')}] (T = ${run.T}), got shape [${x.shape.join(', ')}]`,
      );
    }
  }
}
