/**
 * A typed name -> entry map, the house pattern for models, samplers and datasets: looking up
 * an unknown name or registering a name twice throws an error that lists the valid names.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  /**
   * @param kind - what the entries are, for error messages ("dataset", "sampler").
   * @param initial - entries registered at once, in order.
   */
  constructor(
    readonly kind: string,
    initial: Iterable<readonly [string, T]> = [],
  ) {
    for (const [name, entry] of initial) this.register(name, entry);
  }

  /** Adds `entry` under `name`; throws if the name is taken. Returns this registry. */
  register(name: string, entry: T): this {
    if (this.entries.has(name)) {
      throw new Error(
        `${this.kind} "${name}" is already registered; registered ${this.kind} names: ${this.list()}`,
      );
    }
    this.entries.set(name, entry);
    return this;
  }

  /** The entry for `name`; throws, listing the valid names, if there is none. */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new Error(`unknown ${this.kind} "${name}"; valid ${this.kind} names: ${this.list()}`);
    }
    return entry;
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The registered names, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  private list(): string {
    return this.entries.size === 0 ? '(none)' : this.names().join(', ');
  }
}
