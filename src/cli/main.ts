/**
 * The `scorekit` command line. Thin: parse, validate, call the library, report. Errors are
 * one line and a non-zero exit; `--verbose` adds the stack trace.
 */
import { runDemo } from './demo.ts';

const HELP = `scorekit — score-based generative modelling for TypeScript

Usage: scorekit <command> [options]

Commands:
  demo [--out DIR] [--seed S] [--steps N] [--threads T]
        Train an MLP score network by denoising score matching on a 2-D Gaussian mixture
        (weights 0.8 / 0.2), sample it with annealed Langevin dynamics, and write
        samples.npy, model.onnx and plot.png into DIR (default ./demo-out).

Options:
  --help       show this help
  --verbose    show stack traces on errors
`;

/** Parses `--key value` and `--flag` arguments. */
export function parseFlags(args: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}" (flags start with --)`);
    const key = a.slice(2);
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[key] = next;
      i++;
    } else out[key] = true;
  }
  return out;
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const flags = parseFlags(rest);
  if (flags['help']) {
    process.stdout.write(HELP);
    return;
  }
  switch (command) {
    case 'demo':
      await runDemo(flags);
      return;
    default:
      throw new Error(`unknown command "${command}" (commands: demo; see scorekit --help)`);
  }
}

const verbose = process.argv.includes('--verbose');
main(process.argv.slice(2).filter((a) => a !== '--verbose')).catch((e: unknown) => {
  const err = e as Error;
  process.stderr.write(`scorekit: ${verbose ? (err.stack ?? err.message) : err.message}\n`);
  process.exitCode = 1;
});
