/**
 * The command framework: each `scorekit` command is a {@link Command} in its own file under
 * commands/, registered in commands/index.ts. Flags are parsed by node:util parseArgs with
 * the command's option table; values are validated here with messages that name the flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionTable = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  readonly name: string;
  /** One line for `scorekit --help`. */
  readonly summary: string;
  /** Full help for `scorekit NAME --help`: usage and every flag. */
  readonly help: string;
  readonly options: OptionTable;
  run(flags: Flags): Promise<void>;
}

/** An error whose message is shown alone (one line, exit 1), without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parsed flags with typed, validated accessors. */
export class Flags {
  constructor(
    readonly command: string,
    private readonly values: Record<string, string | boolean | undefined>,
  ) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`);
    return v;
  }

  requireString(name: string): string {
    const v = this.string(name);
    if (v === undefined)
      throw new UsageError(
        `${this.command}: missing --${name} (see scorekit ${this.command} --help)`,
      );
    return v;
  }

  number(
    name: string,
    check?: { min?: number; max?: number; exclusiveMin?: boolean },
  ): number | undefined {
    const s = this.string(name);
    if (s === undefined) return undefined;
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n))
      throw new UsageError(`--${name} must be a number, got "${s}"`);
    if (check?.min !== undefined && (check.exclusiveMin ? n <= check.min : n < check.min)) {
      throw new UsageError(
        `--${name} must be ${check.exclusiveMin ? '>' : '>='} ${check.min}, got ${s}`,
      );
    }
    if (check?.max !== undefined && n > check.max)
      throw new UsageError(`--${name} must be <= ${check.max}, got ${s}`);
    return n;
  }

  int(name: string, min = 0): number | undefined {
    const n = this.number(name, { min });
    if (n !== undefined && !Number.isInteger(n))
      throw new UsageError(`--${name} must be an integer, got ${n}`);
    return n;
  }

  /** A comma-separated list of integers, e.g. --shape 1,28,28. */
  intList(name: string): number[] | undefined {
    const s = this.string(name);
    if (s === undefined) return undefined;
    const parts = s.split(',').map((p) => Number(p.trim()));
    if (parts.length === 0 || parts.some((p) => !Number.isInteger(p) || p <= 0)) {
      throw new UsageError(`--${name} must be comma-separated positive integers, got "${s}"`);
    }
    return parts;
  }
}

/** Parses `args` for `cmd`; unknown flags are a UsageError naming them. */
export function parseFlags(cmd: Command, args: readonly string[]): Flags {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { ...cmd.options, help: { type: 'boolean' }, verbose: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    return new Flags(cmd.name, values as Record<string, string | boolean | undefined>);
  } catch (e) {
    throw new UsageError(`${cmd.name}: ${(e as Error).message} (see scorekit ${cmd.name} --help)`);
  }
}
