/**
 * Named parameters of a model and how a graph sees them.
 *
 * A model is a build function `(scope, ...inputs) => outputs` that asks its scope for
 * parameters by name. The same function is run in three modes:
 * - `declare`: records each parameter's name, shape and initialiser (the {@link ParamLayout});
 * - `flat`: all parameters are slices of ONE float32 graph input `theta` [P], cut by a single
 *   Split node, so gradients arrive as one flat vector (Split's VJP is a Concat) and the
 *   optimizer is a handful of large element-wise operations;
 * - `constant`: parameters are constants holding given values (for exported score models).
 */
import { type Graph, type Value, constant, tensor, reshape, split } from '../graph/index.ts';
import type { Rng } from '../rng/rng.ts';
import type { Init } from './init.ts';

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Init;
  /** Offset in the flat parameter vector. */
  readonly offset: number;
  readonly size: number;
}

/** The ordered parameters of a model and their places in the flat vector. */
export class ParamLayout {
  readonly specs: readonly ParamSpec[];
  readonly size: number;
  private readonly byName: Map<string, ParamSpec>;

  constructor(specs: readonly Omit<ParamSpec, 'offset' | 'size'>[]) {
    let offset = 0;
    this.byName = new Map();
    this.specs = specs.map((s) => {
      if (this.byName.has(s.name)) throw new Error(`parameter "${s.name}" is declared twice`);
      const size = s.shape.reduce((a, b) => a * b, 1);
      const spec = { ...s, offset, size };
      this.byName.set(s.name, spec);
      offset += size;
      return spec;
    });
    this.size = offset;
  }

  get(name: string): ParamSpec {
    const s = this.byName.get(name);
    if (!s) throw new Error(`unknown parameter "${name}"`);
    return s;
  }

  /** A flat vector initialised by every parameter's initialiser, in order. */
  initialize(rng: Rng): Float32Array {
    const theta = new Float32Array(this.size);
    for (const s of this.specs) {
      const v = s.init(rng, s.shape);
      if (v.length !== s.size)
        throw new Error(
          `initialiser of "${s.name}" returned ${v.length} values, expected ${s.size}`,
        );
      theta.set(v, s.offset);
    }
    return theta;
  }

  /** One parameter's values inside a flat vector (a view, no copy). */
  view(theta: Float32Array, name: string): Float32Array {
    const s = this.get(name);
    return theta.subarray(s.offset, s.offset + s.size);
  }

  /** Number of parameters, formatted like "1.23M". */
  describeCount(): string {
    const n = this.size;
    return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${n}`;
  }
}

/** What a model's build function asks for its parameters. */
export interface ParamScope {
  readonly graph: Graph;
  /** The parameter `name` of `shape`, created with `init` on first declaration. */
  param(name: string, shape: readonly number[], init: Init): Value;
  /** A child scope whose parameter names are prefixed with `prefix.`. */
  child(prefix: string): ParamScope;
}

type Resolver = (name: string, shape: readonly number[], init: Init) => Value;

class Scope implements ParamScope {
  constructor(
    readonly graph: Graph,
    private readonly resolve: Resolver,
    private readonly prefix: string,
  ) {}

  param(name: string, shape: readonly number[], init: Init): Value {
    return this.resolve(this.prefix + name, shape, init);
  }

  child(prefix: string): ParamScope {
    return new Scope(this.graph, this.resolve, `${this.prefix}${prefix}.`);
  }
}

/**
 * Runs `build` on a scratch graph to record the parameters it declares.
 * `build` receives a scope and a fresh graph to declare its own inputs in.
 */
export function declareParams(build: (scope: ParamScope, g: Graph) => void, g: Graph): ParamLayout {
  const specs: Omit<ParamSpec, 'offset' | 'size'>[] = [];
  const seen = new Map<string, Value>();
  const resolve: Resolver = (name, shape, init) => {
    const prev = seen.get(name);
    if (prev) return checkShape(prev, name, shape);
    specs.push({ name, shape: [...shape], init });
    const v = g.input(`param:${name}`, 'float32', shape);
    seen.set(name, v);
    return v;
  };
  build(new Scope(g, resolve, ''), g);
  return new ParamLayout(specs);
}

function checkShape(v: Value, name: string, shape: readonly number[]): Value {
  if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
    throw new Error(
      `parameter "${name}" is used with shape [${shape.join(', ')}] and [${v.shape.join(', ')}]`,
    );
  }
  return v;
}

/**
 * A scope whose parameters are slices of the flat input `theta` [layout.size], cut by one
 * Split node. Returns the scope and the `theta` input.
 */
export function flatScope(
  g: Graph,
  layout: ParamLayout,
  inputName = 'theta',
): { scope: ParamScope; theta: Value } {
  const theta = g.input(inputName, 'float32', [layout.size]);
  const parts =
    layout.specs.length === 1
      ? [theta]
      : split(
          theta,
          layout.specs.map((s) => s.size),
          0,
        );
  const values = new Map(layout.specs.map((s, i) => [s.name, reshape(parts[i]!, s.shape)]));
  return { scope: new Scope(g, boundResolver(layout, values), ''), theta };
}

/**
 * A scope whose parameters are separate graph inputs named `param:<name>` (the per-tensor
 * alternative to {@link flatScope}; kept for measurement and for interoperability).
 */
export function separateScope(
  g: Graph,
  layout: ParamLayout,
): { scope: ParamScope; params: Value[] } {
  const params = layout.specs.map((s) => g.input(`param:${s.name}`, 'float32', s.shape));
  const values = new Map(layout.specs.map((s, i) => [s.name, params[i]!]));
  return { scope: new Scope(g, boundResolver(layout, values), ''), params };
}

/** A scope whose parameters are constants taken from the flat vector `theta`. */
export function constantScope(g: Graph, layout: ParamLayout, theta: Float32Array): ParamScope {
  if (theta.length !== layout.size) {
    throw new Error(`parameter vector has ${theta.length} values, the model needs ${layout.size}`);
  }
  const values = new Map(
    layout.specs.map((s) => [
      s.name,
      constant(g, tensor('float32', s.shape, theta.slice(s.offset, s.offset + s.size)), s.name),
    ]),
  );
  return new Scope(g, boundResolver(layout, values), '');
}

function boundResolver(layout: ParamLayout, values: Map<string, Value>): Resolver {
  return (name, shape) => {
    const v = values.get(name);
    if (!v)
      throw new Error(
        `parameter "${name}" was not declared (known: ${layout.specs.length} parameters)`,
      );
    return checkShape(v, name, shape);
  };
}
