import type { LabConfig } from '../schema';

export const SCHEMA_VERSION = 2;

export type SessionStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'diverged' | 'interrupted';
export const STATUSES: SessionStatus[] = ['running', 'completed', 'cancelled', 'failed', 'diverged', 'interrupted'];

export interface Environment {
  app: string;
  backend: Record<string, unknown> | null;
  cpu: string;
  cores: number;
  os: string;
  node: string;
  electron: string | null;
}

export interface SessionManifest {
  schemaVersion: number;
  id: string;
  name: string;
  tags: string[];
  notes: string;
  created: string;
  finished: string | null;
  status: SessionStatus;
  error: string | null;
  config: { given: unknown; resolved: LabConfig };
  seeds: number[];
  runs: Array<{ index: number; params: Record<string, unknown>; seed: number; status: string }>;
  environment: Environment;
  /** The process writing the session while it runs; a dead writer means the run was interrupted. */
  writer: { pid: number; host: string } | null;
}

export class ManifestError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a manifest of any schema this app knows, migrating older ones in memory.
 * Version 1 (MTRL Lab 0.0.x) named the fields title/state, stored created as epoch milliseconds and had no tags.
 */
export function migrate(raw: unknown): SessionManifest {
  if (!isObject(raw)) throw new ManifestError('manifest is not a JSON object');
  const version = raw.schemaVersion;
  if (typeof version !== 'number') throw new ManifestError('manifest has no schemaVersion (not an MTRL Lab session)');
  if (version > SCHEMA_VERSION) throw new ManifestError(`manifest schemaVersion ${version} is newer than this app understands (${SCHEMA_VERSION})`);
  let m: Record<string, unknown> = { ...raw };
  if (version === 1) {
    m = {
      schemaVersion: 2,
      id: raw.id,
      name: raw.title ?? raw.id,
      tags: [],
      notes: typeof raw.notes === 'string' ? raw.notes : '',
      created: typeof raw.created === 'number' ? new Date(raw.created).toISOString() : raw.created,
      finished: typeof raw.finished === 'number' ? new Date(raw.finished).toISOString() : (raw.finished ?? null),
      status: raw.state === 'done' ? 'completed' : raw.state,
      error: raw.error ?? null,
      config: { given: raw.config, resolved: raw.config },
      seeds: Array.isArray(raw.seeds) ? raw.seeds : [],
      runs: Array.isArray(raw.runs) ? raw.runs : [],
      environment: raw.environment ?? { app: 'unknown', backend: null, cpu: 'unknown', cores: 0, os: 'unknown', node: 'unknown', electron: null },
      writer: null,
    };
  } else if (version !== SCHEMA_VERSION) throw new ManifestError(`unknown manifest schemaVersion ${version}`);
  for (const key of ['id', 'name', 'created', 'status'] as const)
    if (typeof m[key] !== 'string') throw new ManifestError(`manifest field "${key}" is missing or not a string`);
  if (!STATUSES.includes(m.status as SessionStatus)) throw new ManifestError(`manifest status "${String(m.status)}" is not one of ${STATUSES.join(', ')}`);
  if (!isObject(m.config)) throw new ManifestError('manifest has no config');
  if (!Array.isArray(m.tags) || !m.tags.every((t) => typeof t === 'string')) throw new ManifestError('manifest tags must be a list of strings');
  return m as unknown as SessionManifest;
}
