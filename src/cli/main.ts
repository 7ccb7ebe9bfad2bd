/**
 * The `scorekit` command line. Thin: parse, validate, call the library, report. Errors are
 * one line and a non-zero exit; `--verbose` adds the stack trace.
 */
import { parseFlags } from './command.ts';
import { COMMANDS } from './commands/index.ts';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `scorekit — score-based generative modelling for TypeScript

Usage: scorekit <command> [options]    (scorekit <command> --help for its flags)

Commands:
${lines.join('\n')}

Global options:
  --help       show help
  --verbose    show stack traces on errors
`;
}

async function main(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    throw new Error(
      `unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see scorekit --help)`,
    );
  }
  const flags = parseFlags(cmd, rest);
  if (flags.bool('help')) {
    process.stdout.write(cmd.help);
    return;
  }
  await cmd.run(flags);
}

const verbose = process.argv.includes('--verbose');
main(process.argv.slice(2)).catch((e: unknown) => {
  const err = e as Error;
  process.stderr.write(`scorekit: ${verbose ? (err.stack ?? err.message) : err.message}\n`);
  process.exitCode = 1;
});
