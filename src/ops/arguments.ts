/**
 * The operator commands' arguments, read one way. A mistake is one expected line naming the usage
 * and never quoting what was typed: an argument may be a new encryption key or a store password,
 * and node's own parse errors quote it ("Unexpected argument '<the key>'"). --help (or -h) prints
 * the usage and runs nothing.
 */
import { parseArgs } from 'node:util';
import { StartupError } from '../errors.js';

export interface ArgumentSpec {
  /** The command's usage, e.g. `npm run rotate-key -- --new <base64>`. */
  usage: string;
  /** The options that take a value (--name <value>); no other option is accepted. */
  options?: readonly string[];
  /** How many plain arguments (a file name) the command takes. */
  positionals?: number;
}

export interface Arguments {
  values: Record<string, string | undefined>;
  positionals: string[];
}

/** What went wrong, by node's error code: said in our words, since node's message quotes the argument. */
const MISTAKES: Record<string, string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: 'an option it does not know',
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: 'an option without its value',
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: 'an argument it does not take',
};

/** The parsed arguments, or undefined when --help was asked for (the usage is printed then). */
export function parseArguments(args: readonly string[], spec: ArgumentSpec): Arguments | undefined {
  const options = Object.fromEntries((spec.options ?? []).map((name) => [name, { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: (spec.positionals ?? 0) > 0,
    });
  } catch (error) {
    const mistake = MISTAKES[(error as { code?: string }).code ?? ''] ?? 'arguments it cannot read';
    throw new StartupError(`${mistake} was given; usage: ${spec.usage}`);
  }
  if (parsed.values.help === true) {
    process.stdout.write(`usage: ${spec.usage}\n`);
    return undefined;
  }
  if (parsed.positionals.length > (spec.positionals ?? 0))
    throw new StartupError(`an argument it does not take was given; usage: ${spec.usage}`);
  const values = Object.fromEntries(
    Object.entries(parsed.values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  return { values, positionals: parsed.positionals };
}
