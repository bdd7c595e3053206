import { Tensor, ValueError, withScope } from '@pullback/autograd';
import { describe } from './internal/check.ts';

const NAME = /^[A-Za-z0-9_$]+$/;

/** Module calls in progress (see `Module.scoped`). */
let callDepth = 0;

/**
 * A function y = f(x; θ) with trainable parameters θ, possibly built from child modules.
 *
 * To write a custom layer, subclass Module, hold each child module and each trainable tensor
 * (a leaf with `requiresGrad: true`) in a field, and implement `forward` with engine operations;
 * the tape does the rest. Fields are registered as PyTorch registers attributes: a field whose
 * value is a Module becomes a child and a field holding a leaf Tensor with `requiresGrad` becomes
 * a parameter, both named after the field (`fc = new Linear(2, 2)` gives 'fc.weight', 'fc.bias').
 * They are discovered when the module is called or its parameters are listed (class fields exist
 * only after `super()` returns), in definition order, after any explicitly registered ones.
 * A plain array is not searched (as PyTorch's lists): register a list with `registerModules`.
 * `registerParameter` and `registerModule` register explicitly, under any name:
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
 *
 * Scopes (for graph pictures and traces): `call` records `forward` inside the tape scope
 * `scopeName`, which is the name the parent registered this module under ('layers.0'), or the
 * class name for a module nobody registered ('MLP'). Scopes nest as calls nest, so the ops of
 * `mlp.call(x)` read 'MLP/layers.0', 'MLP/layers.1', .... An unregistered module called from
 * inside another module's call (an MLP's activation layers) opens no scope of its own: its ops
 * belong to the caller. Parameters carry the path of their owner from the root of the
 * registration tree ('MLP/layers.0'), so they match the ops when the root is the module called.
 * A module called twice records both calls under one scope.
 */
/** Each module's field values at its last field scan (outside the instance: not a field itself). */
const scannedFields = new WeakMap<object, unknown[]>();

export abstract class Module {
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();
  private registeredName: string | null = null;

  /** y = f(x; θ). */
  abstract forward(x: Tensor): Tensor;

  /** `forward(x)`, with its ops recorded in the scope `scopeName` (see the class comment). */
  call(x: Tensor): Tensor {
    return this.scoped(() => this.forward(x));
  }

  /** Run `fn` as `call` runs `forward`: inside this module's scope (for methods like `forwardTrace`). */
  scoped<T>(fn: () => T): T {
    this.registerFields();
    if (this.registeredName === null && callDepth > 0) return fn();
    callDepth++;
    try {
      return withScope(this.scopeName, fn);
    } finally {
      callDepth--;
    }
  }

  /** The tape scope segment of this module: its registered name, else its class name. */
  get scopeName(): string {
    return this.registeredName ?? (this.constructor.name || 'Module');
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
    tensor.scope ??= this.scopeName;
    return tensor;
  }

  /** Register `module` as a child called `name`; its parameters appear as `name.<param>`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    const fn = `${this.constructor.name}.registerModule`;
    this.checkName(fn, name);
    if (!(module instanceof Module)) throw new ValueError(fn, `child '${name}' must be a Module, got ${describe(module)}`);
    if ((module as Module) === this) throw new ValueError(fn, `a module cannot be its own child ('${name}')`);
    this.adopt(name, module);
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
    for (const [i, m] of modules.entries()) this.adopt(`${name}.${i}`, m);
    return [...modules];
  }

  /**
   * Make `child` a child called `name` (its first name wins as its scope) and re-stamp the scope
   * of every parameter below this module with its path from here, which the grandparent's
   * registration will extend in turn. O(parameters) per registration, at construction only.
   */
  private adopt(name: string, child: Module): void {
    child.registerFields();
    this.children.set(name, child);
    child.registeredName ??= name;
    const seen = new Set<Tensor>();
    const visited = new Set<Module>();
    const stamp = (m: Module, path: string): void => {
      if (visited.has(m)) return; // a cycle; namedParameters reports it
      visited.add(m);
      for (const t of m.ownParameters.values()) {
        if (seen.has(t)) continue;
        seen.add(t);
        t.scope = path;
      }
      for (const [n, c] of m.children) if (n === c.registeredName) stamp(c, `${path}/${n}`);
    };
    stamp(this, this.scopeName);
  }

  /**
   * Register every own enumerable field that holds a Module or a trainable leaf Tensor and is not
   * registered yet (under any name), named after the field. Idempotent, O(fields) per call.
   */
  private registerFields(): void {
    // Called on every forward: a scan only when some field changed since the last one.
    const keys = Object.keys(this);
    const last = scannedFields.get(this);
    let same = last !== undefined && last.length === keys.length;
    for (let i = 0; same && i < keys.length; i++) same = last![i] === (this as Record<string, unknown>)[keys[i]!];
    if (same) return;
    const fn = `${this.constructor.name || 'Module'} field`;
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) {
        if (value === this || [...this.children.values()].includes(value)) continue;
        this.checkName(fn, key);
        this.adopt(key, value);
      } else if (value instanceof Tensor && value.isLeaf && value.requiresGrad) {
        if (this.ownsParameter(value)) continue;
        this.checkName(fn, key);
        this.ownParameters.set(key, value);
        value.scope ??= this.scopeName;
      }
    }
    scannedFields.set(
      this,
      Object.keys(this).map((k) => (this as Record<string, unknown>)[k]),
    );
  }

  /** Whether `t` is already a registered parameter of this module or a registered descendant. */
  private ownsParameter(t: Tensor): boolean {
    const visited = new Set<Module>();
    const has = (m: Module): boolean => {
      if (visited.has(m)) return false;
      visited.add(m);
      return [...m.ownParameters.values()].includes(t) || [...m.children.values()].some(has);
    };
    return has(this);
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
      m.registerFields();
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
    this.registerFields();
    return [...this.children];
  }

  /** Forget every parameter's accumulated gradient (`.grad = null`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }
}
