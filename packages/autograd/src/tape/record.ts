// Recording: attaching an op's output, inputs and pullback to the tape, and checking before a
// pullback runs that the values it reads were not written since.
import { AnomalyError, GraphError } from '../errors.ts';
import type { Primitive } from '../primitive.ts';
import { modes } from './modes.ts';
import { type Node, type Pullback, markCut } from './node.ts';
import { describeInputs, userSite } from './site.ts';

// ---- recording -------------------------------------------------------------------------------

/**
 * Attach `out` to the tape as the result of `op` on `inputs`, with its pullback. Every operation
 * (built-in or `defineOp`) ends with this call. Nothing is recorded when grad mode is off or no
 * input requires a gradient; `out` is then a constant.
 */
export function record<T extends Node>(primitive: Primitive, inputs: readonly Node[], out: T, pullback: Pullback, attrs?: Record<string, unknown>): T {
  out.primitive = primitive;
  const op = primitive.name;
  if (attrs) out.attrs = attrs;
  if (modes.anomaly) {
    out.site = userSite();
    if (!modes.inBackward && !out._isFinite() && inputs.every((x) => x._isFinite())) {
      throw new AnomalyError(
        op,
        `produced NaN or Inf in the forward pass from finite inputs (${describeInputs(inputs)}); recorded at ${out.site}`,
        op,
        'forward',
        out.site,
      );
    }
  }
  if (modes.scope !== null) out.scope = modes.scope;
  if (!modes.grad) {
    markCut('noGrad', op, inputs, out);
    return out;
  }
  let any = false;
  let cut = false;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.requiresGrad) any = true;
    else if (inputs[i]!.cut !== null) cut = true;
  }
  if (!any) {
    if (cut) markCut('inherited', op, inputs, out);
    return out;
  }
  out.requiresGrad = true;
  out.inputs = inputs;
  out.pullback = pullback;
  const f = fingerprintOf(out, inputs);
  if (f !== 0) out._extrasForWrite().fingerprint = f;
  return out;
}

/** The op's values as its pullback will read them: its inputs and its output. */
function fingerprintOf(out: Node, inputs: readonly Node[]): number {
  let f = out._fingerprint(modes.anomaly);
  if (f === 0) return 0; // a Scalar op: its values can only change through Scalar.data, which bumps the version
  for (let i = 0; i < inputs.length; i++) f = (f * 31 + inputs[i]!._fingerprint(modes.anomaly)) % 4294967311;
  return f;
}

/**
 * Before a pullback reads the values its op saw: throw if one of them was written since. Writes
 * through the API (`markModified`, optimizers, `Scalar.data`) bump a version: one integer compare
 * per value. Raw writes into `.data` change the fingerprint: a few sampled entries in normal mode
 * (so `y.data[0] = 100` or a whole-array update is caught), every entry under detectAnomaly.
 */
export function checkUnchanged(fn: string, node: Node): void {
  const inputs = node.inputs!;
  let changed: Node | null = node._version > node.id ? node : null;
  for (let i = 0; i < inputs.length && changed === null; i++) if (inputs[i]!._version > node.id) changed = inputs[i]!;
  if (changed !== null) throw modifiedError(fn, node, changed === node ? 'its output' : `its input ${label(changed)}`);
  const saved = node._extras?.fingerprint ?? 0;
  if (saved !== 0 && fingerprintOf(node, inputs) !== saved) {
    throw modifiedError(fn, node, `one of its values (inputs ${inputs.map(label).join(', ')}, or its output) by a raw write into .data`);
  }
}

function label(n: Node): string {
  return n.name !== undefined ? `'${n.name}' (${n._describe()})` : n._describe();
}

function modifiedError(fn: string, node: Node, what: string): GraphError {
  return new GraphError(
    fn,
    `op '${node.op}'${node.site ? ` (recorded at ${node.site})` : ''} needs the values it was computed from, but ${what} was modified in place after it was recorded. ` +
      'Recompute the forward pass after changing values (e.g. call optimizer.step() only after the last backward() of that graph), ' +
      'or write into a copy (tensor(x.data) copies) instead of into a recorded tensor',
  );
}
