import type { Command } from "commander";
import { type CliContext, createContext } from "./context.js";
import { UsageError } from "./exitCodes.js";

/** A UsageError that carries the help of the command it was raised in (printed on stderr). */
export class CommandUsageError extends UsageError {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
  }
}

/**
 * Wraps a command's body for commander's `.action()`: builds the CliContext from the global
 * flags and attaches the command's help to usage errors. The body receives the positional
 * arguments, the command's options and the context.
 */
export function act<O>(body: (args: string[], opts: O, ctx: CliContext) => Promise<void>) {
  return async (...params: unknown[]): Promise<void> => {
    const cmd = params[params.length - 1] as Command;
    const opts = params[params.length - 2] as O;
    const args = params
      .slice(0, -2)
      .flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a : [a])) as string[];
    const ctx = createContext(cmd.optsWithGlobals<{ quiet?: boolean; debug?: boolean }>());
    try {
      await body(args, opts, ctx);
    } catch (e) {
      if (e instanceof UsageError && !(e instanceof CommandUsageError)) {
        throw new CommandUsageError(e.message, cmd.helpInformation());
      }
      throw e;
    }
  };
}
