import type * as TF from '@tensorflow/tfjs';
import type { LossName } from '../schema';
import {
  Backend,
  BackendInfo,
  BackendStatus,
  checkData,
  checkParameters,
  ModelShape,
  Parameters,
  RoundSpec,
  RoundStats,
  Slot,
  Trainer,
  TrainerOptions,
  tasksPerChunk,
} from './types';

type Tf = typeof TF;
export const TFJS_FLAVORS = ['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type TfjsFlavor = (typeof TFJS_FLAVORS)[number];

const loaded = new Map<TfjsFlavor, Promise<{ tf: Tf; info: BackendInfo }>>();

function errorLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim()) ?? text;
}

async function loadFlavor(flavor: TfjsFlavor): Promise<{ tf: Tf; info: BackendInfo }> {
  let tf: Tf;
  let engine: string;
  if (flavor === 'tfjs-node-gpu' || flavor === 'tfjs-node') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require(`@tensorflow/${flavor}`) as Tf;
    engine = 'tensorflow';
    if (!(await tf.setBackend(engine))) throw new Error(`${flavor} loaded but its "${engine}" backend did not initialise`);
    if (flavor === 'tfjs-node-gpu' && !(await hasCudaDevice(tf))) throw new Error('tfjs-node-gpu loaded but found no CUDA device');
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require('@tensorflow/tfjs') as Tf;
    engine = flavor === 'tfjs-wasm' ? 'wasm' : 'cpu';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (engine === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend(engine))) throw new Error(`@tensorflow/tfjs could not initialise its ${engine} backend`);
  }
  const details: Record<string, string | number | boolean> = { engine };
  if (engine === 'wasm') {
    const flags = tf.env().features as Record<string, unknown>;
    details.simd = Boolean(flags.WASM_HAS_SIMD_SUPPORT);
    details.threads = Boolean(flags.WASM_HAS_MULTITHREAD_SUPPORT);
  }
  const info: BackendInfo = {
    name: flavor,
    family: 'tfjs',
    device: flavor === 'tfjs-node-gpu' ? 'gpu' : 'cpu',
    version: tf.version.tfjs,
    details,
  };
  return { tf, info };
}

async function hasCudaDevice(tf: Tf): Promise<boolean> {
  const backend = tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } };
  const probe = backend.binding?.isUsingGpuDevice;
  return typeof probe === 'function' ? Boolean(probe.call(backend.binding)) : true;
}

export function loadTfjs(flavor: TfjsFlavor): Promise<{ tf: Tf; info: BackendInfo }> {
  let p = loaded.get(flavor);
  if (!p) {
    p = loadFlavor(flavor);
    loaded.set(flavor, p);
  }
  return p;
}

export async function probeTfjs(flavor: TfjsFlavor): Promise<BackendStatus> {
  try {
    const { info } = await loadTfjs(flavor);
    return { name: flavor, available: true, reason: `loaded (tfjs ${info.version}, engine ${info.details.engine})`, info };
  } catch (e) {
    const line = errorLine(e);
    const reason = /Cannot find module/.test(line)
      ? `@tensorflow/${flavor.replace('tfjs-', 'tfjs-')} is not installed or its native library failed to install`
      : line;
    return { name: flavor, available: false, reason };
  }
}

export class TfjsBackend implements Backend {
  constructor(
    private readonly tf: Tf,
    readonly info: BackendInfo,
  ) {}

  static async create(flavor: TfjsFlavor): Promise<TfjsBackend> {
    const { tf, info } = await loadTfjs(flavor);
    return new TfjsBackend(tf, info);
  }

  async createTrainer(shape: ModelShape, params: Parameters, options: TrainerOptions): Promise<Trainer> {
    checkParameters(shape, params);
    await this.activate();
    return new TfjsTrainer(this.tf, shape, params, tasksPerChunk(shape, options.chunkTasks), () => this.activate());
  }

  /** Several flavours share one tfjs engine in a process; each call makes sure ours is the current one. */
  private async activate(): Promise<void> {
    const engine = String(this.info.details.engine);
    if (this.tf.getBackend() !== engine && !(await this.tf.setBackend(engine))) throw new Error(`tfjs backend ${engine} is no longer available`);
  }
}

/** Each slot's samples pre-split into task chunks, in both layouts, since transposed matMul is slow on wasm. */
type Chunk = { t0: number; c: number; X: TF.Tensor2D; Xt: TF.Tensor2D; Y: TF.Tensor2D };
type SlotData = Chunk[];

class TfjsTrainer implements Trainer {
  private W: TF.Variable<TF.Rank.R2>;
  private b: TF.Variable<TF.Rank.R1>;
  private heads: TF.Variable<TF.Rank.R2>;
  private data: Partial<Record<Slot, SlotData>> = {};

  constructor(
    private readonly tf: Tf,
    readonly shape: ModelShape,
    p: Parameters,
    private readonly chunk: number,
    private readonly activate: () => Promise<void>,
  ) {
    const { d, m, T } = shape;
    // tidy disposes the initial tensors; variables are not tracked by it and survive.
    [this.W, this.b, this.heads] = tf.tidy(() => [
      tf.variable(tf.tensor2d(p.W, [m, d])),
      tf.variable(tf.tensor1d(p.b)),
      tf.variable(tf.tensor2d(p.heads, [T, m])),
    ]) as [TF.Variable<TF.Rank.R2>, TF.Variable<TF.Rank.R1>, TF.Variable<TF.Rank.R2>];
  }

  async setData(slot: Slot, X: Float32Array, Y: Float32Array): Promise<void> {
    checkData(this.shape, X, Y);
    await this.activate();
    const { T, n, d } = this.shape;
    const chunks: Chunk[] = [];
    for (let t0 = 0; t0 < T; t0 += this.chunk) {
      const c = Math.min(this.chunk, T - t0);
      const Xc = this.tf.tensor2d(X.subarray(t0 * n * d, (t0 + c) * n * d), [c * n, d]);
      chunks.push({ t0, c, X: Xc, Xt: this.tf.transpose(Xc), Y: this.tf.tensor2d(Y.subarray(t0 * n, (t0 + c) * n), [c, n]) });
    }
    this.disposeSlot(slot);
    this.data[slot] = chunks;
  }

  private disposeSlot(slot: Slot): void {
    for (const ch of this.data[slot] ?? []) this.tf.dispose([ch.X, ch.Xt, ch.Y]);
    delete this.data[slot];
  }

  private slotData(slot: Slot): SlotData {
    const s = this.data[slot];
    if (!s) throw new Error(`no training data was set for the ${slot} samples`);
    return s;
  }

  private lossOf(loss: LossName, u: TF.Tensor): { value: TF.Tensor; slope: TF.Tensor } {
    const tf = this.tf;
    switch (loss) {
      case 'logistic':
        return { value: tf.softplus(tf.neg(u)), slope: tf.neg(tf.sigmoid(tf.neg(u))) };
      case 'hinge':
        return { value: tf.relu(tf.sub(1, u)), slope: tf.neg(tf.cast(tf.less(u, 1), 'float32')) };
      case 'squared':
        return { value: tf.mul(0.5, tf.square(tf.sub(1, u))), slope: tf.sub(u, 1) };
      case 'correlation':
        return { value: tf.neg(u), slope: tf.onesLike(u).neg() };
    }
  }

  /** f = relu-activations · heads / m, per task: A [c,n,m], a [c,m] → [c,n]. */
  private outputs(A: TF.Tensor3D, a: TF.Tensor2D): TF.Tensor2D {
    const tf = this.tf;
    return tf.matMul(A, a.expandDims(2) as TF.Tensor3D).squeeze([2]).div(this.shape.m) as TF.Tensor2D;
  }

  private hidden(ch: Chunk, Wt: TF.Tensor2D): TF.Tensor3D {
    return this.tf.matMul(ch.X, Wt).add(this.b).reshape([ch.c, this.shape.n, this.shape.m]) as TF.Tensor3D;
  }

  private headUpdates(A: TF.Tensor3D, Y: TF.Tensor2D, a: TF.Tensor2D, spec: RoundSpec): TF.Tensor2D {
    const tf = this.tf;
    const n = this.shape.n;
    for (let s = 0; s < spec.headSteps; s++) {
      const f = this.outputs(A, a);
      const coef = this.lossOf(spec.loss, f.mul(Y)).slope.mul(Y).div(n);
      const grad = tf.matMul(coef.expandDims(1) as TF.Tensor3D, A).squeeze([1]);
      a = a.sub(grad.mul(spec.lrHead));
    }
    return a;
  }

  /** m·∇_Wᵀ (d×m) and m·∇_b of the mean loss over all T·n samples, from one chunk's share. */
  private repGradient(ch: Chunk, H: TF.Tensor3D, A: TF.Tensor3D, a: TF.Tensor2D, loss: LossName) {
    const tf = this.tf;
    const { T, n, m } = this.shape;
    const f = this.outputs(A, a);
    const coef = this.lossOf(loss, f.mul(ch.Y)).slope.mul(ch.Y).div(T * n);
    const G = coef.expandDims(2).mul(a.expandDims(1)).mul(tf.step(H)).reshape([ch.c * n, m]) as TF.Tensor2D;
    return { gWt: tf.matMul(ch.Xt, G), gb: G.sum(0) };
  }

  async round(spec: RoundSpec): Promise<RoundStats> {
    await this.activate();
    const tf = this.tf;
    const { T, n, m, d } = this.shape;
    const head = this.slotData('head');
    const rep = spec.repSlot === 'rep' ? this.slotData('rep') : head;
    const Wt = tf.transpose(this.W);
    const newHeads: TF.Tensor2D[] = [];
    let gWt: TF.Tensor2D = tf.zeros([d, m]);
    let gb: TF.Tensor1D = tf.zeros([m]);
    let lossSum: TF.Scalar = tf.scalar(0);
    let correct: TF.Scalar = tf.scalar(0);
    head.forEach((ch, i) => {
      const out = tf.tidy(() => {
        const H = this.hidden(ch, Wt);
        const A = tf.relu(H);
        let a: TF.Tensor2D = this.heads.slice([ch.t0, 0], [ch.c, m]);
        const u = this.outputs(A, a).mul(ch.Y);
        const stats = { loss: this.lossOf(spec.loss, u).value.sum(), correct: tf.cast(tf.greater(u, 0), 'float32').sum() };
        if (spec.headOrder === 'before') a = this.headUpdates(A, ch.Y, a, spec);
        let grads: { gWt: TF.Tensor; gb: TF.Tensor } | null = null;
        if (spec.updateRep) {
          if (rep === head) grads = this.repGradient(ch, H, A, a, spec.loss);
          else {
            const H2 = this.hidden(rep[i], Wt);
            grads = this.repGradient(rep[i], H2, tf.relu(H2), a, spec.loss);
          }
        }
        if (spec.headOrder === 'after') a = this.headUpdates(A, ch.Y, a, spec);
        return {
          a,
          gWt: grads ? gWt.add(grads.gWt) : gWt.clone(),
          gb: grads ? gb.add(grads.gb) : gb.clone(),
          loss: lossSum.add(stats.loss),
          correct: correct.add(stats.correct),
        };
      });
      tf.dispose([gWt, gb, lossSum, correct]);
      newHeads.push(out.a as TF.Tensor2D);
      gWt = out.gWt as TF.Tensor2D;
      gb = out.gb as TF.Tensor1D;
      lossSum = out.loss as TF.Scalar;
      correct = out.correct as TF.Scalar;
    });
    const [lossValue, correctValue] = [(await lossSum.data())[0], (await correct.data())[0]];
    tf.tidy(() => {
      if (spec.headSteps > 0) this.heads.assign(newHeads.length === 1 ? newHeads[0] : tf.concat(newHeads, 0));
      if (spec.updateRep) {
        this.W.assign(this.W.sub(tf.transpose(gWt).add(this.W.mul(spec.weightDecay)).mul(spec.lrRep)));
        if (spec.trainBias) this.b.assign(this.b.sub(gb.mul(spec.lrRep)));
      }
    });
    tf.dispose([...newHeads, Wt, gWt, gb, lossSum, correct]);
    return { loss: lossValue / (T * n), accuracy: correctValue / (T * n) };
  }

  async evaluate(loss: LossName, slot: Slot): Promise<RoundStats> {
    await this.activate();
    const tf = this.tf;
    const { T, n, m } = this.shape;
    const data = this.slotData(slot);
    let lossSum = 0;
    let correct = 0;
    const Wt = tf.transpose(this.W);
    for (const ch of data) {
      const s = tf.tidy(() => {
        const u = this.outputs(tf.relu(this.hidden(ch, Wt)), this.heads.slice([ch.t0, 0], [ch.c, m])).mul(ch.Y);
        return tf.stack([this.lossOf(loss, u).value.sum(), tf.cast(tf.greater(u, 0), 'float32').sum()]);
      });
      const v = await s.data();
      s.dispose();
      lossSum += v[0];
      correct += v[1];
    }
    Wt.dispose();
    return { loss: lossSum / (T * n), accuracy: correct / (T * n) };
  }

  async readParameters(): Promise<Parameters> {
    await this.activate();
    const [W, b, heads] = await Promise.all([this.W.data(), this.b.data(), this.heads.data()]);
    return { W: Float32Array.from(W), b: Float32Array.from(b), heads: Float32Array.from(heads) };
  }

  async writeParameters(p: Parameters): Promise<void> {
    checkParameters(this.shape, p);
    await this.activate();
    const { d, m, T } = this.shape;
    this.tf.tidy(() => {
      this.W.assign(this.tf.tensor2d(p.W, [m, d]));
      this.b.assign(this.tf.tensor1d(p.b));
      this.heads.assign(this.tf.tensor2d(p.heads, [T, m]));
    });
  }

  async features(X: Float32Array, count: number): Promise<Float32Array> {
    await this.activate();
    const { d, m } = this.shape;
    if (X.length !== count * d) throw new RangeError(`features: X must hold ${count}·${d} values; got ${X.length}`);
    const out = new Float32Array(count * m);
    const rows = Math.max(1, Math.floor((1 << 22) / m));
    const Wt = this.tf.transpose(this.W);
    for (let i0 = 0; i0 < count; i0 += rows) {
      const k = Math.min(rows, count - i0);
      const t = this.tf.tidy(() => this.tf.relu(this.tf.matMul(this.tf.tensor2d(X.subarray(i0 * d, (i0 + k) * d), [k, d]), Wt).add(this.b)));
      out.set(await t.data(), i0 * m);
      t.dispose();
    }
    Wt.dispose();
    return out;
  }

  dispose(): void {
    this.disposeSlot('head');
    this.disposeSlot('rep');
    this.tf.dispose([this.W, this.b, this.heads]);
  }
}
