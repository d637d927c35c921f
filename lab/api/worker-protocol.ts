import type { LabConfig } from '../schema';
import type { HistoryPoint } from '../train';

/** Messages between the lab service and a run worker (a forked Node process or an Electron utility process). */
export type ToWorker =
  | { type: 'run'; sessionsRoot: string; given: unknown; config: LabConfig; name?: string; tags?: string[] }
  | { type: 'reproduce'; sessionsRoot: string; quick: boolean; claims?: number[]; out: string; backend: string }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'session'; id: string }
  | { type: 'backend'; name: string; reason: string }
  | { type: 'progress'; run: number; runs: number; round: number; rounds: number }
  | { type: 'measure'; run: number; point: HistoryPoint }
  | { type: 'runDone'; run: number; status: string; sinTheta: number; energy: number; params: Record<string, unknown>; seed: number }
  | { type: 'suiteProgress'; fraction: number; label: string }
  | { type: 'claim'; id: number; title: string; supported: boolean; explanation: string }
  | { type: 'done'; status: string; error?: string; report?: string }
  | { type: 'error'; message: string };

/** The transport both hosts provide. */
export interface WorkerPort {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(handler: (message: FromWorker) => void): void;
  onExit(handler: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}
