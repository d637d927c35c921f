import * as fs from 'node:fs';
import { assignRaw, mergeRaw, parseAssignment, resolveConfig } from '../lab/config';
import { findPreset, PRESETS } from '../lab/presets';
import type { LabConfig } from '../lab/schema';
import { UsageError } from './errors';

export interface ConfigFlags {
  config?: string;
  preset?: string;
  set?: string[];
  backend?: string;
  threads?: string;
}

export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The raw config a command line describes: preset, then file, then each --set, then --backend/--threads. */
export function rawConfigFrom(flags: ConfigFlags): Record<string, unknown> {
  let raw: Record<string, unknown> = {};
  if (flags.preset !== undefined) {
    const preset = findPreset(flags.preset);
    if (!preset) throw new UsageError(`unknown preset "${flags.preset}" (available: ${PRESETS.map((p) => p.name).join(', ')})`);
    raw = mergeRaw(raw, preset.config);
  }
  if (flags.config !== undefined) {
    const file = readJsonFile(flags.config, 'config file');
    if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new UsageError(`config file ${flags.config} must hold a JSON object`);
    raw = mergeRaw(raw, file as Record<string, unknown>);
  }
  for (const text of flags.set ?? []) {
    const { path, value } = parseAssignment(text);
    assignRaw(raw, path, value);
  }
  if (flags.backend !== undefined) raw.backend = flags.backend;
  if (flags.threads !== undefined) raw.threads = Number(flags.threads);
  return raw;
}

export function configFrom(flags: ConfigFlags): LabConfig {
  return resolveConfig(rawConfigFrom(flags));
}
