import { ConfigError } from '../lab/config';
import { BackendUnavailableError } from '../lab/backends/registry';
import { Command, parse } from './command';
import { EXIT, UsageError } from './errors';
import { ArchiveRefused } from '../lab/sessions/archive';
import { SessionNotFound } from '../lab/sessions/store';
import { NotResumable } from '../lab/sessions/record';
import { backendsCommand, presetsCommand } from './info';
import { runCommand } from './run';
import { benchCommand } from './bench';
import { reproduceCommand } from './reproduce';
import { serveCommand } from './serve';
import { rerunCommand, resumeCommand, sessionsCommand } from './sessions';

const COMMANDS: Command[] = [runCommand, resumeCommand, rerunCommand, sessionsCommand, reproduceCommand, serveCommand, presetsCommand, backendsCommand, benchCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `mtrl — multi-task representation learning lab

Usage: mtrl COMMAND [options]     (mtrl COMMAND --help for its options)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Exit codes: 0 success, 1 failure, 2 bad input, 130 cancelled.`;
}

export function registerCommand(cmd: Command): void {
  COMMANDS.push(cmd);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-V') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    process.stdout.write(`${require('../../package.json').version}\n`);
    return EXIT.ok;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  try {
    if (!cmd) throw new UsageError(`unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    const { values, positionals } = parse(cmd, rest);
    if (values.help) {
      process.stdout.write(`${cmd.help}\n`);
      return EXIT.ok;
    }
    return await cmd.run(values, positionals);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof ArchiveRefused || e instanceof SessionNotFound || e instanceof NotResumable) {
      process.stderr.write(`mtrl: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof BackendUnavailableError) {
      process.stderr.write(`mtrl: ${e.message}\n`);
      return EXIT.failure;
    }
    process.stderr.write(`mtrl: error: ${(e as Error).message}\n`);
    if (process.env.MTRL_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return EXIT.failure;
  }
}
