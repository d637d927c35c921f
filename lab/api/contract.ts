import { ConfigError, resolveConfig } from '../config';
import type { LabConfig } from '../schema';
import { STATUSES } from '../sessions/manifest';
import type { HistoryPoint } from '../train';
import type { FromWorker } from './worker-protocol';
import type { LabService } from './service';
import type { ImportReport } from '../sessions/archive';

/**
 * The one API between the UI and the lab, spoken over Electron IPC (preload → main) and over the
 * browser mode's WebSocket alike. Every request is validated here before any handler sees it.
 */

export class RequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'RequestError';
  }
}

type Obj = Record<string, unknown>;

function object(v: unknown, field = 'payload'): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RequestError(field, 'must be an object');
  return v as Obj;
}

function only(o: Obj, keys: string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new RequestError(k, `unknown field (allowed: ${keys.join(', ') || 'none'})`);
}

function str(o: Obj, key: string, opts: { optional?: boolean; max?: number; pattern?: RegExp } = {}): string | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string') throw new RequestError(key, 'must be a string');
  if (v.length > (opts.max ?? 10000)) throw new RequestError(key, `must be at most ${opts.max ?? 10000} characters`);
  if (opts.pattern && !opts.pattern.test(v)) throw new RequestError(key, `is not valid`);
  return v;
}

function strings(o: Obj, key: string, max: number): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > max || !v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 200))
    throw new RequestError(key, `must be a list of up to ${max} non-empty strings`);
  return v as string[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function configOf(o: Obj): { given: Obj; config: LabConfig } {
  const given = object(o.config, 'config');
  return { given, config: resolveConfig(given) };
}

export const CHANNELS = {
  'lab:info': (p: unknown) => (only(object(p ?? {}), []), {}),
  'config:validate': (p: unknown) => {
    const o = object(p);
    only(o, ['config']);
    return { config: object(o.config, 'config') };
  },
  'runs:start': (p: unknown) => {
    const o = object(p);
    only(o, ['config', 'name', 'tags']);
    return { ...configOf(o), name: str(o, 'name', { optional: true, max: 200 }), tags: strings(o, 'tags', 50) };
  },
  'runs:cancel': (p: unknown) => {
    const o = object(p);
    only(o, ['sessionId']);
    return { sessionId: str(o, 'sessionId', { pattern: ID })! };
  },
  'runs:list': (p: unknown) => (only(object(p ?? {}), []), {}),
  'sessions:list': (p: unknown) => {
    const o = object(p ?? {});
    only(o, ['status', 'tag']);
    const status = str(o, 'status', { optional: true });
    if (status !== undefined && ![...STATUSES, 'damaged'].includes(status)) throw new RequestError('status', `must be one of ${[...STATUSES, 'damaged'].join(', ')}`);
    return { status, tag: str(o, 'tag', { optional: true, max: 200 }) };
  },
  'sessions:get': (p: unknown) => {
    const o = object(p);
    only(o, ['id']);
    return { id: str(o, 'id', { pattern: ID })! };
  },
  'sessions:representation': (p: unknown) => {
    const o = object(p);
    only(o, ['id', 'run']);
    const run = o.run;
    if (!Number.isInteger(run) || (run as number) < 0 || (run as number) > 100000) throw new RequestError('run', 'must be an integer in [0, 100000]');
    return { id: str(o, 'id', { pattern: ID })!, run: run as number };
  },
  'sessions:update': (p: unknown) => {
    const o = object(p);
    only(o, ['id', 'name', 'tags', 'notes']);
    return { id: str(o, 'id', { pattern: ID })!, name: str(o, 'name', { optional: true, max: 200 }), tags: strings(o, 'tags', 50), notes: str(o, 'notes', { optional: true, max: 20000 }) };
  },
  'sessions:delete': (p: unknown) => {
    const o = object(p);
    only(o, ['id']);
    return { id: str(o, 'id', { pattern: ID })! };
  },
  'sessions:export': (p: unknown) => {
    const o = object(p);
    only(o, ['ids']);
    const ids = strings(o, 'ids', 1000);
    if (!ids || ids.length === 0 || !ids.every((i) => ID.test(i))) throw new RequestError('ids', 'must list at least one session id');
    return { ids };
  },
  'sessions:import': (p: unknown) => (only(object(p ?? {}), []), {}),
  'reproduce:start': (p: unknown) => {
    const o = object(p);
    only(o, ['quick', 'claims']);
    if (typeof o.quick !== 'boolean') throw new RequestError('quick', 'must be true or false');
    const claims = o.claims;
    if (claims !== undefined && (!Array.isArray(claims) || !claims.every((c) => Number.isInteger(c) && c >= 1 && c <= 6)))
      throw new RequestError('claims', 'must be a list of claim numbers 1 to 6');
    return { quick: o.quick, claims: claims as number[] | undefined };
  },
} as const;

export type Channel = keyof typeof CHANNELS;
export type Request<C extends Channel> = ReturnType<(typeof CHANNELS)[C]>;

type Answer<K extends keyof LabService> = LabService[K] extends (...a: never[]) => infer R ? Awaited<R> : never;

/** What each channel answers with. Archives differ by transport: dialogs in the app (null when dismissed), a download link and an upload address in a browser. */
export interface ChannelResults {
  'lab:info': Answer<'info'>;
  'config:validate': Answer<'validateConfig'>;
  'runs:start': Answer<'startRun'>;
  'runs:cancel': Answer<'cancel'>;
  'runs:list': Answer<'activeRuns'>;
  'sessions:list': Answer<'listSessions'>;
  'sessions:get': Answer<'getSession'>;
  'sessions:representation': Answer<'representation'>;
  'sessions:update': Answer<'updateSession'>;
  'sessions:delete': Answer<'deleteSession'>;
  'sessions:export': (Answer<'exportTo'> & { url?: string; name?: string }) | null;
  'sessions:import': ImportReport | { upload: string } | null;
  'reproduce:start': Answer<'startReproduce'>;
}

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CHANNELS, name);
}

/** Validates a payload for a channel; throws RequestError or ConfigError naming the bad field. */
export function validate<C extends Channel>(channel: C, payload: unknown): Request<C> {
  return CHANNELS[channel](payload) as Request<C>;
}

/** A run in the queue or in flight, as the UI lists it. */
export interface ActiveRun {
  key: string;
  kind: 'run' | 'reproduce';
  sessionId: string | null;
  name: string;
  state: 'queued' | 'running';
  pid: number | undefined;
  backend: string | null;
  run: number;
  runs: number;
  round: number;
  rounds: number;
  fraction: number;
  started: number | null;
  label?: string;
}

type FromWorkerOf<T extends FromWorker['type']> = Omit<Extract<FromWorker, { type: T }>, 'type'>;
export type FinishedRun = FromWorkerOf<'runDone'>;
export type ClaimVerdict = FromWorkerOf<'claim'>;

/** How a queued or running job ended. */
export interface JobEnded {
  key: string;
  name: string;
  sessionId: string | null;
  status: string;
  error?: string;
  report?: string;
}

/** Every event the lab pushes to the UI, with its payload: the other half of the contract. */
export interface EventPayloads {
  'run:progress': ActiveRun & { lastRun?: FinishedRun };
  'run:measure': { key: string; sessionId: string | null; run: number; point: HistoryPoint };
  'run:done': JobEnded;
  'queue:changed': ActiveRun[];
  'reproduce:progress': ActiveRun & { claim?: ClaimVerdict };
  'reproduce:done': JobEnded;
}
export type EventName = keyof EventPayloads;
export type LabEvent = { [E in EventName]: { name: E; payload: EventPayloads[E] } }[EventName];

/** What a failed request carries back to the UI: a message and, for bad config, one issue per field. */
export function errorPayload(e: unknown): { message: string; issues?: Array<{ path: string; message: string }> } {
  if (e instanceof ConfigError) return { message: e.message, issues: e.issues };
  if (e instanceof RequestError) return { message: e.message, issues: [{ path: e.field, message: e.message }] };
  return { message: e instanceof Error ? e.message : String(e) };
}
