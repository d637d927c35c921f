import { loadAddon, NativeBackend } from '../../lab/backends/native';
import type { BackendName } from '../../lab/backends/registry';
import { TfjsBackend, TfjsFlavor } from '../../lab/backends/tfjs';
import type { Backend } from '../../lab/backends/types';

/** The backends the conformance suite runs on; native is required where CI builds it (MTRL_REQUIRE_NATIVE=1). */
export const SUITE_BACKENDS: BackendName[] = ['native', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu'];

/** Synchronous, so a whole suite can be skipped with its reason at definition time. */
export function unavailableReason(name: BackendName): string | undefined {
  try {
    if (name === 'native') loadAddon();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    else if (name === 'tfjs-node' || name === 'tfjs-node-gpu') require(`@tensorflow/${name}`);
    return undefined;
  } catch (e) {
    const reason = `${name} is unavailable here: ${(e as Error).message.split('\n')[0]}`;
    if (name === 'native' && process.env.MTRL_REQUIRE_NATIVE === '1') throw new Error(`the native backend is required here (MTRL_REQUIRE_NATIVE=1) but ${reason}`);
    return reason;
  }
}

export async function createBackend(name: BackendName): Promise<Backend> {
  return name === 'native' ? NativeBackend.create(0) : TfjsBackend.create(name as TfjsFlavor);
}
