import { parseArgs, ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  name: string;
  summary: string;
  /** Full help: usage line, then one line per option. */
  help: string;
  options: Options;
  /** Whether the command takes positional arguments. */
  positionals?: boolean;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

export function parse(cmd: Command, argv: string[]) {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (!cmd.positionals && positionals.length) throw new UsageError(`mtrl ${cmd.name}: unexpected argument "${positionals[0]}"`);
    return { values: values as Record<string, unknown>, positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`mtrl ${cmd.name}: ${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}\nSee: mtrl ${cmd.name} --help`);
  }
}
