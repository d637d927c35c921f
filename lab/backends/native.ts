import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOSSES, LossName } from '../schema';
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

/** The C++ addon's surface (native/src/binding.cc). The JS layer owns validation; the addon trusts shapes. */
interface AddonTrainer {
  setData(slot: number, X: Float32Array, Y: Float32Array): void;
  round(spec: number[]): Promise<number[]>;
  evaluate(loss: number, slot: number): Promise<number[]>;
  read(W: Float32Array, b: Float32Array, heads: Float32Array): void;
  write(W: Float32Array, b: Float32Array, heads: Float32Array): void;
  features(X: Float32Array, count: number, out: Float32Array): Promise<void>;
  free(): void;
}
export interface Addon {
  Trainer: new (d: number, m: number, T: number, n: number, chunk: number) => AddonTrainer;
  info(): { blas: string; threads: number; version: string; compiler: string };
  setThreads(threads: number): void;
  sgemm(M: number, N: number, K: number, repeats: number): Promise<number[]>;
}

const ADDON_NAME = 'mtrl_native.node';

/** Where a build may have put the addon: beside the sources, or unpacked from an Electron asar. */
function addonCandidates(): string[] {
  const roots = [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..')];
  const out: string[] = [];
  for (const root of roots) {
    out.push(path.join(root, 'native', 'build', 'Release', ADDON_NAME));
    out.push(path.join(root.replace(/app\.asar(?!\.unpacked)/, 'app.asar.unpacked'), 'native', 'build', 'Release', ADDON_NAME));
  }
  if (process.env.MTRL_NATIVE_ADDON) out.unshift(process.env.MTRL_NATIVE_ADDON);
  return [...new Set(out)];
}

let cached: { addon?: Addon; reason?: string } | null = null;

export function loadAddon(): Addon {
  if (!cached) {
    cached = {};
    const found = addonCandidates().find((p) => fs.existsSync(p));
    if (!found) cached.reason = 'native addon is not built (npm run build:native needs cmake and a C++17 compiler)';
    else {
      try {
        // OpenMP threads that spin after a parallel loop steal the cores BLAS needs next (measured: 2× slower
        // rounds on 2 cores); the runtime reads this once, when the addon loads it.
        process.env.OMP_WAIT_POLICY ??= 'passive';
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        cached.addon = require(found) as Addon;
      } catch (e) {
        cached.reason = `native addon at ${found} failed to load: ${(e as Error).message.split('\n')[0]}`;
      }
    }
  }
  if (!cached.addon) throw new Error(cached.reason);
  return cached.addon;
}

export async function probeNative(threads: number): Promise<BackendStatus> {
  try {
    const addon = loadAddon();
    if (threads > 0) addon.setThreads(threads);
    const info = nativeInfo(addon);
    return { name: 'native', available: true, reason: `loaded (BLAS ${info.details.blas}, ${info.details.threads} threads)`, info };
  } catch (e) {
    return { name: 'native', available: false, reason: (e as Error).message };
  }
}

function nativeInfo(addon: Addon): BackendInfo {
  const i = addon.info();
  return { name: 'native', family: 'native', device: 'cpu', version: i.version, details: { blas: i.blas, threads: i.threads, compiler: i.compiler } };
}

const SLOT = { head: 0, rep: 1 } as const;

/**
 * Activations per chunk (1 MB of floats): small enough that a chunk's activations and gradient stay in L2
 * between the forward GEMM, the per-task passes and the backward GEMM. Measured on the default workload:
 * a round takes half the time at 16 tasks per chunk than with all 256 tasks in one chunk.
 */
const CACHE_CHUNK_VALUES = 1 << 18;

export class NativeBackend implements Backend {
  private constructor(
    private readonly addon: Addon,
    readonly info: BackendInfo,
  ) {}

  static async create(threads: number): Promise<NativeBackend> {
    const addon = loadAddon();
    if (threads > 0) addon.setThreads(threads);
    return new NativeBackend(addon, nativeInfo(addon));
  }

  async createTrainer(shape: ModelShape, params: Parameters, options: TrainerOptions): Promise<Trainer> {
    checkParameters(shape, params);
    const t = new NativeTrainer(this.addon, shape, tasksPerChunk(shape, options.chunkTasks, CACHE_CHUNK_VALUES));
    await t.writeParameters(params);
    return t;
  }
}

function assertFinite(name: string, a: Float32Array): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new RangeError(`${name} holds a non-finite value at index ${i}`);
}

class NativeTrainer implements Trainer {
  private readonly t: AddonTrainer;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private hasData = { head: false, rep: false };

  constructor(
    addon: Addon,
    readonly shape: ModelShape,
    chunk: number,
  ) {
    this.t = new addon.Trainer(shape.d, shape.m, shape.T, shape.n, chunk);
  }

  /** The addon's worker owns the buffers during a call, so calls on one trainer run strictly one at a time. */
  private serial<R>(work: () => R | Promise<R>): Promise<R> {
    const next = this.queue.then(() => {
      if (this.disposed) throw new Error('trainer was disposed');
      return work();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  setData(slot: Slot, X: Float32Array, Y: Float32Array): Promise<void> {
    checkData(this.shape, X, Y);
    assertFinite('X', X);
    for (let i = 0; i < Y.length; i++) if (Y[i] !== 1 && Y[i] !== -1) throw new RangeError(`Y must hold labels ±1; index ${i} is ${Y[i]}`);
    return this.serial(() => {
      this.t.setData(SLOT[slot], X, Y);
      this.hasData[slot] = true;
    });
  }

  private need(slot: Slot): void {
    if (!this.hasData[slot]) throw new Error(`no training data was set for the ${slot} samples`);
  }

  round(spec: RoundSpec): Promise<RoundStats> {
    for (const k of ['lrHead', 'lrRep', 'weightDecay'] as const)
      if (!Number.isFinite(spec[k]) || spec[k] < 0) throw new RangeError(`round: ${k} must be a finite number ≥ 0; got ${spec[k]}`);
    if (!Number.isInteger(spec.headSteps) || spec.headSteps < 0) throw new RangeError(`round: headSteps must be an integer ≥ 0`);
    return this.serial(async () => {
      this.need('head');
      if (spec.updateRep) this.need(spec.repSlot);
      const [loss, accuracy] = await this.t.round([
        lossId(spec.loss),
        spec.lrHead,
        spec.lrRep,
        spec.weightDecay,
        spec.headSteps,
        spec.headOrder === 'before' ? 0 : 1,
        spec.updateRep ? 1 : 0,
        spec.trainBias ? 1 : 0,
        SLOT[spec.repSlot],
      ]);
      return { loss, accuracy };
    });
  }

  evaluate(loss: LossName, slot: Slot): Promise<RoundStats> {
    return this.serial(async () => {
      this.need(slot);
      const [l, accuracy] = await this.t.evaluate(lossId(loss), SLOT[slot]);
      return { loss: l, accuracy };
    });
  }

  readParameters(): Promise<Parameters> {
    return this.serial(() => {
      const { d, m, T } = this.shape;
      const p = { W: new Float32Array(m * d), b: new Float32Array(m), heads: new Float32Array(T * m) };
      this.t.read(p.W, p.b, p.heads);
      return p;
    });
  }

  writeParameters(p: Parameters): Promise<void> {
    checkParameters(this.shape, p);
    assertFinite('W', p.W);
    assertFinite('b', p.b);
    assertFinite('heads', p.heads);
    return this.serial(() => this.t.write(p.W, p.b, p.heads));
  }

  features(X: Float32Array, count: number): Promise<Float32Array> {
    const { d, m } = this.shape;
    if (!Number.isInteger(count) || count < 0 || X.length !== count * d)
      throw new RangeError(`features: X must hold ${count}·${d} values; got ${X.length}`);
    assertFinite('X', X);
    return this.serial(async () => {
      const out = new Float32Array(count * m);
      await this.t.features(X, count, out);
      return out;
    });
  }

  /** Frees the model's native memory once any call in flight has finished. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.queue.then(() => this.t.free());
  }
}

function lossId(loss: LossName): number {
  const i = LOSSES.indexOf(loss);
  if (i < 0) throw new RangeError(`unknown loss "${loss}"`);
  return i;
}
