import { CLAIMS } from './reproduce/claims';

/** Built-in experiments: raw configs (every key optional) merged over the defaults. */
export interface Preset {
  name: string;
  summary: string;
  config: Record<string, unknown>;
}

export const PRESETS: Preset[] = [
  { name: 'default', summary: 'the paper setting: d 64, r 3, m 256, T 256 linear tasks, alternating pretraining', config: {} },
  {
    name: 'tasks-sweep',
    summary: 'recovery versus the number of tasks: T in 1, 4, 16, 64, 256 over 2 seeds',
    config: { sweep: { over: { 'pretrain.T': [1, 4, 16, 64, 256] }, seeds: 2 } },
  },
  { name: 'single-task', summary: 'one task: learns one direction of span(M), misses the rest', config: { pretrain: { T: 1 } } },
  {
    name: 'methods',
    summary: 'alternating vs joint vs random features vs oracle at T 256, downstream accuracy compared',
    config: { sweep: { over: { 'pretrain.method': ['oracle', 'alternating', 'joint', 'random-features'] }, seeds: 1 } },
  },
  { name: 'random-features', summary: 'W frozen at its random initialisation, only heads trained', config: { pretrain: { method: 'random-features' } } },
  { name: 'oracle', summary: 'rows of W drawn inside span(M): the best a representation can do', config: { pretrain: { method: 'oracle' } } },
  { name: 'joint', summary: 'simultaneous gradient steps on W and every head', config: { pretrain: { method: 'joint' } } },
  { name: 'no-decay', summary: 'the paper setting without weight decay: the random part of W stays', config: { pretrain: { weightDecay: 0 } } },
  {
    name: 'frozen-heads',
    summary: 'ablation: representation updated with heads that never adapt (random, fixed)',
    config: { model: { headInit: 'random' }, pretrain: { headOrder: 'frozen' } },
  },
  {
    name: 'nonlinear',
    summary: 'teacher-network tasks, recovery versus T',
    config: { data: { family: 'teacher' }, sweep: { over: { 'pretrain.T': [1, 16, 256] }, seeds: 1 } },
  },
  {
    name: 'quick',
    summary: 'a small smoke run that finishes in about a second: d 32, T 32, 60 rounds',
    config: { data: { d: 32 }, model: { m: 128 }, pretrain: { T: 32, rounds: 60 }, downstream: { tasks: 4, n: [16, 64], nTest: 500 } },
  },
];

// Each experiment of the reproduction suite (quick settings), so a claim can be rerun, changed and looked at again.
for (const claim of CLAIMS) {
  const experiments = claim.experiments(true);
  for (const e of experiments)
    PRESETS.push({
      name: experiments.length === 1 ? `claim-${claim.id}` : `claim-${claim.id}-${e.key}`,
      summary: `claim ${claim.id} (${claim.title}): ${e.label}`,
      config: e.config,
    });
}

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
