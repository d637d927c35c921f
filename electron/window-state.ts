import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

const DEFAULT: Bounds = { width: 1320, height: 900 };

export function loadBounds(dir: string): Bounds {
  try {
    const b = JSON.parse(fs.readFileSync(path.join(dir, 'window-state.json'), 'utf8')) as Bounds;
    if (Number.isFinite(b.width) && Number.isFinite(b.height) && b.width >= 400 && b.height >= 300) return b;
  } catch {
    // First start, or an unreadable file: the default size.
  }
  return DEFAULT;
}

export function saveBounds(dir: string, b: Bounds): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'window-state.json'), JSON.stringify(b));
}
