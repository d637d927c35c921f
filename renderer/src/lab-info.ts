/** Shapes the lab:info channel returns (see lab/api/service.ts). */
export interface LeafInfo {
  path: string;
  kind: 'int' | 'number' | 'bool' | 'enum' | 'intList';
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  values?: readonly string[];
  default: unknown;
  doc: string;
}

export interface LabInfo {
  app: string;
  versions: { node: string; electron: string | null };
  sessionsRoot: string;
  backends: Array<{ name: string; available: boolean; reason: string }>;
  presets: Array<{ name: string; summary: string; config: Record<string, unknown> }>;
  schema: LeafInfo[];
  claims: Array<{ id: number; title: string; asserted: boolean; criterion: string }>;
}

export function getPath(obj: Record<string, any>, path: string): unknown {
  return path.split('.').reduce<any>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

export function setPath(obj: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const out = JSON.parse(JSON.stringify(obj));
  const parts = path.split('.');
  let node = out;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p];
  }
  if (value === undefined) delete node[parts[parts.length - 1]];
  else node[parts[parts.length - 1]] = value;
  return out;
}

/** Rough round time from the model's FLOPs and a typical rate of each backend, for the cost estimate. */
export const TYPICAL_GFLOPS: Record<string, number> = { 'tfjs-node-gpu': 300, native: 50, 'tfjs-node': 20, 'tfjs-wasm': 5, 'tfjs-cpu': 0.5 };
