import { ValueError, describeValue, formatValue } from '../errors.ts';
import type { GraphOptions } from './export.ts';

const KEYS: readonly (keyof GraphOptions)[] = ['values', 'grads', 'direction', 'collapse', 'depth', 'clusters', 'scopeKinds'];
const DIRECTIONS: readonly string[] = ['LR', 'TB'];

/**
 * The options of toDot / toMermaid / toSvg, checked: unknown keys (a typo such as `colapse` would
 * silently draw something else) and values of the wrong kind are errors naming `fn`, because every
 * value ends up inside the emitted text.
 */
export function checkGraphOptions(fn: string, options: unknown): GraphOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(fn, `options must be an object, got ${describeValue(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new ValueError(fn, `unknown option '${key}'; expected one of ${KEYS.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  for (const key of ['values', 'grads', 'clusters'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new ValueError(fn, `option '${key}' must be true or false, got ${formatValue(o[key])}`);
  }
  if (o.direction !== undefined && !DIRECTIONS.includes(o.direction as string)) {
    throw new ValueError(fn, `option 'direction' must be ${DIRECTIONS.map((d) => `'${d}'`).join(' or ')}, got ${formatValue(o.direction)}`);
  }
  const c = o.collapse;
  if (c !== undefined && typeof c !== 'boolean' && !(Array.isArray(c) && c.every((s) => typeof s === 'string'))) {
    throw new ValueError(fn, `option 'collapse' must be true, false or a list of scope names, got ${formatValue(c)}`);
  }
  if (o.depth !== undefined && !(Number.isSafeInteger(o.depth) && (o.depth as number) >= 0)) {
    throw new ValueError(fn, `option 'depth' must be an integer ≥ 0, got ${formatValue(o.depth)}`);
  }
  const kinds = o.scopeKinds;
  if (kinds !== undefined && (kinds === null || typeof kinds !== 'object' || Array.isArray(kinds) || Object.values(kinds).some((v) => typeof v !== 'string'))) {
    throw new ValueError(fn, `option 'scopeKinds' must be an object of strings (scope → kind), got ${formatValue(kinds)}`);
  }
  return o as GraphOptions;
}
