import type { BackendChoice } from '../schema';
import { probeTfjs, TFJS_FLAVORS, TfjsBackend, TfjsFlavor } from './tfjs';
import { NativeBackend, probeNative } from './native';
import type { Backend, BackendInfo, BackendStatus } from './types';

export const BACKEND_NAMES = ['tfjs-node-gpu', 'native', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

export type ChosenBackend = {
  backend: Backend;
  /** What a run records: the backend's identity plus why it was picked over the others. */
  report: BackendInfo & { chosenBecause: string; skipped: Array<{ name: string; reason: string }> };
};

export async function probe(name: BackendName, threads = 0): Promise<BackendStatus> {
  return name === 'native' ? probeNative(threads) : probeTfjs(name);
}

/** Every backend with whether it loads here and why not. */
export async function listBackends(threads = 0): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) out.push(await probe(name, threads));
  return out;
}

function candidates(choice: BackendChoice): BackendName[] {
  switch (choice) {
    case 'auto':
      return ['tfjs-node-gpu', 'native', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu'];
    case 'tfjs':
      return [...TFJS_FLAVORS];
    default:
      return [choice];
  }
}

const instances = new Map<string, Promise<Backend>>();

async function instantiate(name: BackendName, threads: number): Promise<Backend> {
  const key = name === 'native' ? `native:${threads}` : name;
  let p = instances.get(key);
  if (!p) {
    p = name === 'native' ? NativeBackend.create(threads) : TfjsBackend.create(name as TfjsFlavor);
    instances.set(key, p);
    p.catch(() => instances.delete(key));
  }
  return p;
}

/** Picks the first candidate that actually loads, remembering why each one before it did not. */
export async function chooseBackend(choice: BackendChoice, threads = 0): Promise<ChosenBackend> {
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const name of candidates(choice)) {
    const status = await probe(name, threads);
    if (!status.available) {
      skipped.push({ name, reason: status.reason });
      continue;
    }
    const backend = await instantiate(name, threads);
    const chosenBecause =
      skipped.length === 0
        ? choice === name
          ? 'requested'
          : `first choice for backend "${choice}"`
        : `fallback for backend "${choice}": ${skipped.map((s) => s.name).join(', ')} unavailable`;
    return { backend, report: { ...backend.info, chosenBecause, skipped } };
  }
  throw new BackendUnavailableError(
    `no backend for "${choice}" could load:\n${skipped.map((s) => `  ${s.name}: ${s.reason}`).join('\n')}`,
  );
}
