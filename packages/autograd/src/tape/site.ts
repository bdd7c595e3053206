// Where user code recorded an op (anomaly mode): the first stack frame outside the engine.
import type { Node } from './node.ts';

const ENGINE: { path: string; folder: boolean } | null = engineLocation();

function engineLocation(): { path: string; folder: boolean } | null {
  const url: unknown = import.meta.url;
  if (typeof url !== 'string') return null;
  const path = locationPath(url);
  // Unbundled, this file is <engine>/tape/site.{ts,js}: every file under <engine>/ is the engine.
  // Bundled, it was renamed, and the engine is the one file it landed in.
  const m = /^(.*\/)tape\/site\.[cm]?[jt]s$/.exec(path);
  return m ? { path: m[1]!, folder: true } : { path, folder: false };
}

/** A file URL, path or http URL as a comparable path: no scheme for files, no query or hash, `/` separators. */
function locationPath(location: string): string {
  let path = location.replace(/[?#].*$/, '');
  if (path.startsWith('file://')) {
    path = path.slice('file://'.length).replace(/^\/([A-Za-z]:)/, '$1');
    try {
      path = decodeURIComponent(path);
    } catch {
      // not percent-encoded after all: compare it as it is
    }
  }
  return path.replaceAll('\\', '/');
}

/**
 * The first stack frame outside the engine: where user code called the op. Frames read
 * `at fn (where:line:col)` or `at where:line:col` (V8) and `fn@where:line:col` (Firefox, Safari).
 */
export function userSite(): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m || line.includes('node:internal')) continue;
    const where = m[1]!.replace(/^[^/\\]*?@/, '');
    const path = locationPath(where);
    if (ENGINE !== null && (ENGINE.folder ? path.startsWith(ENGINE.path) : path === ENGINE.path)) continue;
    return `${where.replace(/^file:\/\//, '')}:${m[2]}:${m[3]}`;
  }
  return 'unknown location';
}

export function describeInputs(inputs: readonly Node[]): string {
  return inputs.map((n) => (n.name ? `${n.name}: ` : '') + n._describe()).join(', ');
}
