import { performance } from 'node:perf_hooks';
import { BackendName, chooseBackend } from './backends/registry';
import { loadAddon } from './backends/native';
import type { ModelShape, RoundSpec } from './backends/types';
import { Rng } from './rng';

export const WORKLOADS: Record<string, ModelShape> = {
  default: { d: 64, m: 256, T: 256, n: 64 },
  wide: { d: 256, m: 1024, T: 64, n: 128 },
  large: { d: 512, m: 1024, T: 1024, n: 128 },
};

/**
 * Model FLOPs of one alternating round (one head step, shared samples): the forward GEMM X Wᵀ and the
 * representation GEMM Gᵀ X (2·R·d·m each, R = T·n), plus the per-sample head work: outputs at the start,
 * the head step's outputs and gradient, and the representation step's outputs (2·R·m each).
 */
export function flopsPerRound(s: ModelShape): number {
  const R = s.T * s.n;
  return 4 * R * s.d * s.m + 8 * R * s.m;
}

export const BENCH_SPEC: RoundSpec = {
  loss: 'logistic',
  lrHead: 0.5,
  lrRep: 0.5,
  weightDecay: 0.05,
  headSteps: 1,
  headOrder: 'before',
  updateRep: true,
  trainBias: false,
  repSlot: 'head',
};

export interface BackendFigures {
  name: string;
  msPerRound: number;
  gflops: number;
  rounds: number;
  /** When the full shape would take too long, rounds ran at this many tasks and time was scaled by T (cost is linear in T). */
  measuredAtT?: number;
  peakRssMB: number;
  eventLoopLagP99Ms?: number;
  /** Same-shape sgemm rate measured between the timed rounds (native only). */
  sgemmGflops?: number;
}

function lagSampler(into: number[]): { stop(): void } {
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    into.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  return { stop: () => clearInterval(timer) };
}

function percentile(v: number[], q: number): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timeRounds(name: BackendName, shape: ModelShape, rounds: number, threads: number, watchLoop: boolean) {
  const interleaveSgemm = watchLoop ? loadAddon() : null;
  const { backend } = await chooseBackend(name, threads);
  const rng = Rng.derive(1, 'bench');
  const W = new Float32Array(shape.m * shape.d);
  rng.fillNormal(W, 1 / Math.sqrt(shape.d));
  const trainer = await backend.createTrainer(shape, { W, b: new Float32Array(shape.m), heads: new Float32Array(shape.T * shape.m) }, { chunkTasks: 0 });
  {
    const X = new Float32Array(shape.T * shape.n * shape.d);
    rng.fillNormal(X);
    const Y = Float32Array.from({ length: shape.T * shape.n }, () => (rng.uniform() < 0.5 ? -1 : 1));
    await trainer.setData('head', X, Y);
  }
  await trainer.round(BENCH_SPEC);
  const times: number[] = [];
  const sgemmTimes: number[] = [];
  // Sampled only while a round runs: a 1 ms timer's lateness is the main thread's lag.
  const lags: number[] = [];
  const R = shape.T * shape.n;
  for (let k = 0; k < rounds; k++) {
    const sampler = watchLoop ? lagSampler(lags) : null;
    const t0 = process.hrtime.bigint();
    await trainer.round(BENCH_SPEC);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    sampler?.stop();
    // Interleaved with the rounds, so the floor sees the same machine load as the round it is compared to.
    if (interleaveSgemm) sgemmTimes.push(...(await interleaveSgemm.sgemm(R, shape.m, shape.d, 2)));
  }
  trainer.dispose();
  return {
    ms: median(times),
    lagP99: watchLoop ? percentile(lags, 0.99) : undefined,
    sgemmGflops: sgemmTimes.length ? (2 * R * shape.m * shape.d) / median(sgemmTimes) / 1e9 : undefined,
  };
}

/**
 * Times one backend in this process: a calibration round at reduced T first, so that a slow backend on a
 * large shape is measured at a T that fits the time budget instead of running for minutes.
 */
export async function benchBackend(name: BackendName, shape: ModelShape, opts: { rounds: number; maxRoundSeconds: number; threads: number }): Promise<BackendFigures> {
  const probeT = Math.max(1, Math.min(shape.T, Math.floor(shape.T * Math.min(1, 2e8 / flopsPerRound(shape)))));
  const probe = await timeRounds(name, { ...shape, T: probeT }, 1, opts.threads, false);
  const estimated = (probe.ms * shape.T) / probeT / 1000;
  let T = shape.T;
  if (estimated > opts.maxRoundSeconds) T = Math.max(probeT, Math.floor((shape.T * opts.maxRoundSeconds) / estimated));
  const rounds = estimated * (T / shape.T) * opts.rounds > 4 * opts.maxRoundSeconds ? 2 : opts.rounds;
  const timed = await timeRounds(name, { ...shape, T }, rounds, opts.threads, name === 'native');
  const msPerRound = (timed.ms * shape.T) / T;
  return {
    name,
    msPerRound,
    gflops: flopsPerRound(shape) / (msPerRound / 1000) / 1e9,
    rounds,
    ...(T < shape.T ? { measuredAtT: T } : {}),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    ...(timed.lagP99 !== undefined ? { eventLoopLagP99Ms: timed.lagP99 } : {}),
    ...(timed.sgemmGflops !== undefined && T === shape.T ? { sgemmGflops: timed.sgemmGflops } : {}),
  };
}

/** The same-shape sgemm rate (C[R×m] = X[R×d]·Wᵀ) through the addon's BLAS: the floor a round is compared with. */
export async function sgemmGflops(shape: ModelShape, threads: number): Promise<number | null> {
  let addon;
  try {
    addon = loadAddon();
  } catch {
    return null;
  }
  if (threads > 0) addon.setThreads(threads);
  const R = shape.T * shape.n;
  const times = await addon.sgemm(R, shape.m, shape.d, 15);
  return (2 * R * shape.m * shape.d) / median(times) / 1e9;
}
