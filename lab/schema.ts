/**
 * The experiment config contract: one schema that validation, the CLI's help, the
 * desktop designer and the IPC layer all read, so every place speaks the same rules.
 */

export const FAMILIES = ['linear', 'affine', 'teacher', 'xor'] as const;
export const METHODS = ['alternating', 'joint', 'random-features', 'oracle'] as const;
export const LOSSES = ['logistic', 'hinge', 'squared', 'correlation'] as const;
export const BACKEND_CHOICES = ['auto', 'native', 'tfjs', 'tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu'] as const;

export type Family = (typeof FAMILIES)[number];
export type Method = (typeof METHODS)[number];
export type LossName = (typeof LOSSES)[number];
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface LabConfig {
  seed: number;
  backend: BackendChoice;
  threads: number;
  data: {
    d: number;
    r: number;
    family: Family;
    noise: number;
    offsetMin: number;
    offsetMax: number;
    teacherWidth: number;
  };
  model: {
    m: number;
    initScale: number;
    bias: 'none' | 'fixed' | 'trained';
    biasScale: number;
    headInit: 'zero' | 'random';
    headScale: number;
  };
  pretrain: {
    method: Method;
    T: number;
    n: number;
    rounds: number;
    headSteps: number;
    headOrder: 'before' | 'after' | 'frozen';
    lrHead: number;
    lrRep: number;
    weightDecay: number;
    loss: LossName;
    logEvery: number;
    fresh: boolean;
    splitSamples: boolean;
    chunkTasks: number;
    checkpointEvery: number;
  };
  downstream: {
    tasks: number;
    n: number[];
    nTest: number;
    family: 'same' | Family;
    l2: number;
  };
  diagnostics: { pairs: number };
  sweep: { over: Record<string, unknown[]>; seeds: number };
}

export type Leaf =
  | { kind: 'int'; min: number; max: number; default: number; doc: string }
  | { kind: 'number'; min: number; max: number; exclusiveMin?: boolean; default: number; doc: string }
  | { kind: 'bool'; default: boolean; doc: string }
  | { kind: 'enum'; values: readonly string[]; default: string; doc: string }
  | { kind: 'intList'; min: number; max: number; maxLength: number; default: number[]; doc: string };

type Sections = Omit<LabConfig, 'seed' | 'backend' | 'threads' | 'sweep'>;
export type SectionName = keyof Sections;
type SectionSchema = { [S in SectionName]: { [K in keyof Sections[S]]: Leaf } };

export const TOP_LEVEL: Record<'seed' | 'backend' | 'threads', Leaf> = {
  seed: { kind: 'int', min: 0, max: 4294967295, default: 0, doc: 'seed of every random draw; sweep seeds count up from it' },
  backend: { kind: 'enum', values: BACKEND_CHOICES, default: 'auto', doc: 'where training runs; auto = tfjs-node-gpu if CUDA loads, else native BLAS, else the best tfjs' },
  threads: { kind: 'int', min: 0, max: 256, default: 0, doc: 'BLAS threads for the native backend; 0 = all cores' },
};

export const SCHEMA: SectionSchema = {
  data: {
    d: { kind: 'int', min: 2, max: 4096, default: 64, doc: 'ambient input dimension' },
    r: { kind: 'int', min: 1, max: 256, default: 3, doc: 'latent dimension (rows of M); must be below d' },
    family: { kind: 'enum', values: FAMILIES, default: 'linear', doc: 'task family f_t applied to z = Mx' },
    noise: { kind: 'number', min: 0, max: 0.5, default: 0, doc: 'label flip probability' },
    offsetMin: { kind: 'number', min: -10, max: 10, default: -1, doc: 'affine family: lowest offset c' },
    offsetMax: { kind: 'number', min: -10, max: 10, default: 1, doc: 'affine family: highest offset c' },
    teacherWidth: { kind: 'int', min: 1, max: 256, default: 8, doc: 'teacher family: hidden ReLU units of each task' },
  },
  model: {
    m: { kind: 'int', min: 1, max: 65536, default: 256, doc: 'hidden neurons (rows of W)' },
    initScale: { kind: 'number', min: 0, max: 100, exclusiveMin: true, default: 1, doc: 'rows of W start as N(0, initScale²/d)' },
    bias: { kind: 'enum', values: ['none', 'fixed', 'trained'], default: 'none', doc: 'hidden biases: zero, fixed random, or trained' },
    biasScale: { kind: 'number', min: 0, max: 100, default: 1, doc: 'std of random biases (bias fixed or trained)' },
    headInit: { kind: 'enum', values: ['zero', 'random'], default: 'zero', doc: 'heads start at zero or N(0, headScale²)' },
    headScale: { kind: 'number', min: 0, max: 100, default: 1, doc: 'std of random head initialisation' },
  },
  pretrain: {
    method: { kind: 'enum', values: METHODS, default: 'alternating', doc: 'alternating (heads then representation), joint, random-features, oracle' },
    T: { kind: 'int', min: 1, max: 100000, default: 256, doc: 'number of pretraining tasks' },
    n: { kind: 'int', min: 1, max: 1000000, default: 64, doc: 'samples per task' },
    rounds: { kind: 'int', min: 0, max: 1000000, default: 200, doc: 'pretraining rounds' },
    headSteps: { kind: 'int', min: 1, max: 1000, default: 1, doc: 'head gradient steps per round' },
    headOrder: { kind: 'enum', values: ['before', 'after', 'frozen'], default: 'before', doc: 'heads updated before the representation step (the paper), after it, or never (ablation)' },
    lrHead: { kind: 'number', min: 0, max: 10000, default: 0.5, doc: 'head step, in units where the head gradient is multiplied by m' },
    lrRep: { kind: 'number', min: 0, max: 10000, default: 0.5, doc: 'representation step, in units where the gradient is multiplied by m' },
    weightDecay: { kind: 'number', min: 0, max: 1000, default: 0.05, doc: 'weight decay on W, applied as W -= lrRep·weightDecay·W' },
    loss: { kind: 'enum', values: LOSSES, default: 'logistic', doc: 'training loss of the margin y·f' },
    logEvery: { kind: 'int', min: 1, max: 1000000, default: 10, doc: 'rounds between measurements' },
    fresh: { kind: 'bool', default: false, doc: 'draw fresh samples every round instead of a fixed dataset' },
    splitSamples: { kind: 'bool', default: false, doc: 'separate samples for the head and the representation step' },
    chunkTasks: { kind: 'int', min: 0, max: 100000, default: 0, doc: 'tasks per backend chunk; 0 = sized to a memory budget' },
    checkpointEvery: { kind: 'int', min: 0, max: 1000000, default: 50, doc: 'rounds between checkpoints of a recorded session; 0 = none' },
  },
  downstream: {
    tasks: { kind: 'int', min: 0, max: 1000, default: 8, doc: 'new tasks solved on the frozen representation' },
    n: { kind: 'intList', min: 1, max: 1000000, maxLength: 32, default: [16, 64, 256], doc: 'training sample sizes of the downstream head' },
    nTest: { kind: 'int', min: 1, max: 1000000, default: 2000, doc: 'fresh test samples per downstream task' },
    family: { kind: 'enum', values: ['same', ...FAMILIES], default: 'same', doc: 'family of downstream tasks' },
    l2: { kind: 'number', min: 0, max: 1000, exclusiveMin: true, default: 0.001, doc: 'L2 penalty of the downstream logistic head' },
  },
  diagnostics: {
    pairs: { kind: 'int', min: 2, max: 100000, default: 1000, doc: 'input pairs of the pseudo-contrastive diagnostic' },
  },
};

export const SWEEP_SEEDS: Leaf = { kind: 'int', min: 1, max: 1000, default: 1, doc: 'seeds per swept value' };

/** Every settable dotted path with its leaf, in documentation order. */
export function leafPaths(): Array<[string, Leaf]> {
  const out: Array<[string, Leaf]> = Object.entries(TOP_LEVEL);
  for (const [section, leaves] of Object.entries(SCHEMA)) {
    for (const [key, leaf] of Object.entries(leaves as Record<string, Leaf>)) out.push([`${section}.${key}`, leaf]);
  }
  return out;
}

export function describeRange(leaf: Leaf): string {
  switch (leaf.kind) {
    case 'int':
      return `an integer in [${leaf.min}, ${leaf.max}]`;
    case 'number':
      return `a number in ${leaf.exclusiveMin ? '(' : '['}${leaf.min}, ${leaf.max}]`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${leaf.values.map((v) => `"${v}"`).join(', ')}`;
    case 'intList':
      return `a list of up to ${leaf.maxLength} integers in [${leaf.min}, ${leaf.max}]`;
  }
}
