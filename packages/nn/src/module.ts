import { Tensor, ValueError } from '@pullback/autograd';
import { describe } from './internal/check.ts';

const NAME = /^[A-Za-z0-9_$]+$/;

/**
 * A function y = f(x; θ) with trainable parameters θ, possibly built from child modules.
 *
 * To write a custom layer, subclass Module, register each parameter with `registerParameter`
 * and each child module with `registerModule` (or `registerModules` for a list) in the
 * constructor, and implement `forward` with engine operations; the tape does the rest:
 *
 *     class Scale extends Module {
 *       readonly gain: Tensor;
 *       readonly inner: Linear;
 *       constructor(n: number) {
 *         super();
 *         this.gain = this.registerParameter('gain', ones([n]));
 *         this.inner = this.registerModule('inner', new Linear(n, n, { seed: 1 }));
 *       }
 *       forward(x: Tensor): Tensor {
 *         return mul(this.inner.call(x), this.gain);   // y = (x Wᵀ + b) ⊙ g
 *       }
 *     }
 *     new Scale(3).namedParameters().map(([n]) => n);   // ['gain', 'inner.weight', 'inner.bias']
 *
 * Names are dotted paths in registration order (parameters first, then children), so
 * serialisation and optimizers see a stable order. Name a weight matrix `weight` if `l2Penalty`
 * should regularise it.
 */
export abstract class Module {
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** y = f(x; θ). */
  abstract forward(x: Tensor): Tensor;

  /** Same as `forward(x)`. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }

  /**
   * Register `tensor` as a trainable parameter called `name` and mark it `requiresGrad`. It must
   * be a leaf: optimizers update its `.data` in place. Returns the tensor.
   */
  protected registerParameter(name: string, tensor: Tensor): Tensor {
    const fn = `${this.constructor.name}.registerParameter`;
    this.checkName(fn, name);
    if (!(tensor instanceof Tensor)) throw new ValueError(fn, `parameter '${name}' must be a Tensor, got ${describe(tensor)}`);
    if (!tensor.isLeaf) {
      throw new ValueError(fn, `parameter '${name}' must be a leaf tensor, but it is the output of '${tensor.op}'; call .detach() first`);
    }
    tensor.requiresGrad = true;
    this.ownParameters.set(name, tensor);
    return tensor;
  }

  /** Register `module` as a child called `name`; its parameters appear as `name.<param>`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    const fn = `${this.constructor.name}.registerModule`;
    this.checkName(fn, name);
    if (!(module instanceof Module)) throw new ValueError(fn, `child '${name}' must be a Module, got ${describe(module)}`);
    if ((module as Module) === this) throw new ValueError(fn, `a module cannot be its own child ('${name}')`);
    this.children.set(name, module);
    return module;
  }

  /** Register a list of children as `name.0`, `name.1`, ... (PyTorch's ModuleList naming). */
  protected registerModules<M extends Module>(name: string, modules: readonly M[]): M[] {
    const fn = `${this.constructor.name}.registerModules`;
    this.checkName(fn, name);
    if (!Array.isArray(modules)) throw new ValueError(fn, `'${name}' must be an array of modules, got ${describe(modules)}`);
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new ValueError(fn, `'${name}'[${i}] must be a Module, got ${describe(m)}`);
    });
    modules.forEach((m, i) => this.children.set(`${name}.${i}`, m));
    return [...modules];
  }

  private checkName(fn: string, name: string): void {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new ValueError(fn, `name must be letters, digits, '_' or '$' (no dots), got ${describe(name)}`);
    }
    const taken = this.ownParameters.has(name) || [...this.children.keys()].some((k) => k === name || k.startsWith(`${name}.`));
    if (taken) throw new ValueError(fn, `the name '${name}' is already registered on this module`);
  }

  /**
   * Every parameter of this module and its descendants as [dotted name, tensor], in registration
   * order. A tensor shared by two modules is listed once, under its first name (as PyTorch).
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const visiting = new Set<Module>();
    const walk = (m: Module, prefix: string): void => {
      if (visiting.has(m)) throw new ValueError('Module.namedParameters', `module cycle at '${prefix.slice(0, -1)}'`);
      visiting.add(m);
      for (const [name, t] of m.ownParameters) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix + name, t]);
      }
      for (const [name, child] of m.children) walk(child, `${prefix}${name}.`);
      visiting.delete(m);
    };
    walk(this, '');
    return out;
  }

  /** The parameter tensors of `namedParameters()`, each once. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** The direct children as [name, module]. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Forget every parameter's accumulated gradient (`.grad = null`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }
}
