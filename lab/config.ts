import { describeRange, LabConfig, Leaf, leafPaths, SCHEMA, SWEEP_SEEDS, TOP_LEVEL } from './schema';

export type ConfigIssue = { path: string; message: string };

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(['invalid config:', ...issues.map((i) => `  ${i.path}: ${i.message}`)].join('\n'));
    this.name = 'ConfigError';
  }
}

/** Largest training set a run may hold, in float32 values, so a typo cannot exhaust memory. */
export const MAX_DATA_VALUES = 1.5e9;
const MAX_SWEEP_RUNS = 10000;

const LEAVES = new Map(leafPaths());

export function defaultConfig(): LabConfig {
  const out: Record<string, unknown> = {};
  for (const [key, leaf] of Object.entries(TOP_LEVEL)) out[key] = cloneDefault(leaf);
  for (const [section, leaves] of Object.entries(SCHEMA)) {
    const s: Record<string, unknown> = {};
    for (const [key, leaf] of Object.entries(leaves as Record<string, Leaf>)) s[key] = cloneDefault(leaf);
    out[section] = s;
  }
  out.sweep = { over: {}, seeds: SWEEP_SEEDS.default };
  return out as unknown as LabConfig;
}

function cloneDefault(leaf: Leaf): unknown {
  return Array.isArray(leaf.default) ? [...leaf.default] : leaf.default;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Returns null when the value fits the leaf, else the message naming the allowed range. */
export function checkLeaf(leaf: Leaf, v: unknown): string | null {
  const bad = `must be ${describeRange(leaf)}; got ${show(v)}`;
  switch (leaf.kind) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= leaf.min && v <= leaf.max ? null : bad;
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad;
      const lowOk = leaf.exclusiveMin ? v > leaf.min : v >= leaf.min;
      return lowOk && v <= leaf.max ? null : bad;
    }
    case 'bool':
      return typeof v === 'boolean' ? null : bad;
    case 'enum':
      return typeof v === 'string' && leaf.values.includes(v) ? null : bad;
    case 'intList':
      return Array.isArray(v) &&
        v.length <= leaf.maxLength &&
        v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= leaf.min && x <= leaf.max)
        ? null
        : bad;
  }
}

function mergeSection(
  into: Record<string, unknown>,
  given: unknown,
  leaves: Record<string, Leaf>,
  prefix: string,
  issues: ConfigIssue[],
): void {
  if (given === undefined) return;
  if (!isPlainObject(given)) {
    issues.push({ path: prefix, message: `must be an object with keys ${Object.keys(leaves).join(', ')}; got ${show(given)}` });
    return;
  }
  for (const [key, value] of Object.entries(given)) {
    const leaf = leaves[key];
    const path = `${prefix}.${key}`;
    if (!leaf) {
      issues.push({ path, message: `unknown key (allowed: ${Object.keys(leaves).join(', ')})` });
      continue;
    }
    const problem = checkLeaf(leaf, value);
    if (problem) issues.push({ path, message: problem });
    else into[key] = Array.isArray(value) ? [...value] : value;
  }
}

/** Cross-field rules that one leaf alone cannot state. */
function checkRelations(c: LabConfig, issues: ConfigIssue[], where = ''): void {
  const at = (p: string) => (where ? `${p} (${where})` : p);
  if (c.data.r >= c.data.d) issues.push({ path: at('data.r'), message: `must be less than data.d (${c.data.d}); got ${c.data.r}` });
  if (c.data.offsetMin > c.data.offsetMax)
    issues.push({ path: at('data.offsetMin'), message: `must not exceed data.offsetMax (${c.data.offsetMax}); got ${c.data.offsetMin}` });
  const families = [c.data.family, c.downstream.family];
  if (families.includes('xor') && c.data.r < 2)
    issues.push({ path: at('data.r'), message: `must be at least 2 for the xor family; got ${c.data.r}` });
  const values = c.pretrain.T * c.pretrain.n * c.data.d * (c.pretrain.splitSamples ? 2 : 1);
  if (values > MAX_DATA_VALUES)
    issues.push({
      path: at('pretrain.n'),
      message: `pretrain.T × pretrain.n × data.d = ${values.toExponential(2)} values exceeds the limit of ${MAX_DATA_VALUES.toExponential(2)}`,
    });
  if (c.model.m * c.data.d > MAX_DATA_VALUES)
    issues.push({ path: at('model.m'), message: `model.m × data.d exceeds the limit of ${MAX_DATA_VALUES.toExponential(2)} values` });
}

function setPath(c: LabConfig, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = c as unknown as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  node[parts[parts.length - 1]] = Array.isArray(value) ? [...value] : value;
}

export function getPath(c: LabConfig, path: string): unknown {
  let node: unknown = c;
  for (const p of path.split('.')) node = (node as Record<string, unknown>)[p];
  return node;
}

function resolveSweep(c: LabConfig, given: unknown, issues: ConfigIssue[]): void {
  if (given === undefined) return;
  if (!isPlainObject(given)) {
    issues.push({ path: 'sweep', message: `must be an object with keys over, seeds; got ${show(given)}` });
    return;
  }
  for (const [key, value] of Object.entries(given)) {
    if (key === 'seeds') {
      const problem = checkLeaf(SWEEP_SEEDS, value);
      if (problem) issues.push({ path: 'sweep.seeds', message: problem });
      else c.sweep.seeds = value as number;
    } else if (key === 'over') {
      if (!isPlainObject(value)) {
        issues.push({ path: 'sweep.over', message: `must map config paths to lists of values; got ${show(value)}` });
        continue;
      }
      for (const [path, list] of Object.entries(value)) {
        const leaf = LEAVES.get(path);
        const where = `sweep.over["${path}"]`;
        if (!leaf || path === 'seed') {
          issues.push({ path: where, message: `is not a sweepable config path (for example "pretrain.T", "data.d")` });
          continue;
        }
        if (!Array.isArray(list) || list.length === 0 || list.length > 1000) {
          issues.push({ path: where, message: `must be a list of 1 to 1000 values; got ${show(list)}` });
          continue;
        }
        let ok = true;
        list.forEach((v, i) => {
          const problem = checkLeaf(leaf, v);
          if (problem) {
            ok = false;
            issues.push({ path: `${where}[${i}]`, message: problem });
          }
        });
        if (ok) c.sweep.over[path] = [...list];
      }
    } else {
      issues.push({ path: `sweep.${key}`, message: 'unknown key (allowed: over, seeds)' });
    }
  }
}

/** Validates a user config (every key optional) and fills defaults; throws ConfigError listing every bad field. */
export function resolveConfig(input: unknown): LabConfig {
  const issues: ConfigIssue[] = [];
  const c = defaultConfig();
  if (input === undefined || input === null) input = {};
  if (!isPlainObject(input)) throw new ConfigError([{ path: '(root)', message: `must be a JSON object; got ${show(input)}` }]);
  const sections = Object.keys(SCHEMA);
  for (const [key, value] of Object.entries(input)) {
    if (key in TOP_LEVEL) {
      const leaf = TOP_LEVEL[key as keyof typeof TOP_LEVEL];
      const problem = checkLeaf(leaf, value);
      if (problem) issues.push({ path: key, message: problem });
      else (c as unknown as Record<string, unknown>)[key] = value;
    } else if (sections.includes(key)) {
      const leaves = SCHEMA[key as keyof typeof SCHEMA] as Record<string, Leaf>;
      mergeSection((c as unknown as Record<string, Record<string, unknown>>)[key], value, leaves, key, issues);
    } else if (key === 'sweep') {
      resolveSweep(c, value, issues);
    } else {
      issues.push({ path: key, message: `unknown key (allowed: ${[...Object.keys(TOP_LEVEL), ...sections, 'sweep'].join(', ')})` });
    }
  }
  {
    // Fields that failed on their own kept their defaults; report relations only for the others.
    const reported = new Set(issues.map((i) => i.path));
    const related: ConfigIssue[] = [];
    checkRelations(c, related);
    issues.push(...related.filter((i) => !reported.has(i.path)));
  }
  {
    const runs = sweepPoints(c);
    if (runs.length * c.sweep.seeds > MAX_SWEEP_RUNS)
      issues.push({ path: 'sweep.over', message: `expands to ${runs.length * c.sweep.seeds} runs; at most ${MAX_SWEEP_RUNS} are allowed` });
    else
      for (const params of runs) {
        if (Object.keys(params).length === 0) continue;
        checkRelations(applyParams(c, params), issues, Object.entries(params).map(([k, v]) => `${k}=${show(v)}`).join(', '));
        if (issues.length > 20) break;
      }
  }
  if (issues.length) throw new ConfigError(issues);
  return c;
}

export type SweepParams = Record<string, unknown>;

/** The cartesian product of the swept values, in the order the keys were given. */
export function sweepPoints(c: LabConfig): SweepParams[] {
  let points: SweepParams[] = [{}];
  for (const [path, values] of Object.entries(c.sweep.over)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [path]: v })));
  }
  return points;
}

export function applyParams(c: LabConfig, params: SweepParams): LabConfig {
  const out = structuredClone(c);
  for (const [path, value] of Object.entries(params)) setPath(out, path, value);
  return out;
}

/** One concrete run per swept value and seed; each run's config carries no sweep. */
export function expandRuns(c: LabConfig): Array<{ params: SweepParams; seed: number; config: LabConfig }> {
  const out: Array<{ params: SweepParams; seed: number; config: LabConfig }> = [];
  for (const params of sweepPoints(c)) {
    for (let s = 0; s < c.sweep.seeds; s++) {
      const config = applyParams(c, params);
      config.seed = (c.seed + s) >>> 0;
      config.sweep = { over: {}, seeds: 1 };
      out.push({ params, seed: config.seed, config });
    }
  }
  return out;
}

/** Parses one `--set key=value` into a raw-config patch; values are JSON where they parse, else strings. */
export function parseAssignment(text: string): { path: string; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError([{ path: text, message: 'expected key=value, for example pretrain.T=16' }]);
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return { path, value };
}

/** Writes a dotted path into a raw config object, creating sections as needed. */
export function assignRaw(raw: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  if (parts.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype'))
    throw new ConfigError([{ path, message: 'is not a config path' }]);
  if (parts[0] === 'sweep' && parts[1] === 'over' && parts.length > 2) parts.splice(2, parts.length - 2, parts.slice(2).join('.'));
  let node = raw;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** Deep merge of raw config objects: later wins, lists replace. */
export function mergeRaw(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeRaw(out[k] as Record<string, unknown>, v) : structuredClone(v);
  }
  return out;
}
