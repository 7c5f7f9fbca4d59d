import { Command, CommanderError } from "commander";
import { CommandUsageError } from "./action.js";
import { benchCommand } from "./commands/bench.js";
import { registerCosim } from "./commands/cosim.js";
import { registerDemo } from "./commands/demo.js";
import { registerExport } from "./commands/export.js";
import { registerHardware } from "./commands/hardware.js";
import { registerMemristor } from "./commands/memristor.js";
import { registerModels } from "./commands/models.js";
import { registerNetlist } from "./commands/netlist.js";
import { registerPlot } from "./commands/plot.js";
import { registerSample } from "./commands/sample.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerSweep } from "./commands/sweep.js";
import { registerTemplates } from "./commands/templates.js";
import { registerWorker } from "./commands/worker.js";
import { describeError } from "./errorMessage.js";
import { EXIT, exitCodeOf, UsageError } from "./exitCodes.js";
import { packageVersion } from "./version.js";

const EXIT_HELP = `
Units: time T, --max-step and --dt in units of the cell time constant τ = R·C; states x
normalised (V_s volts per unit); memristor drives in SI units (V, Hz, s).

Exit codes:
  0  success (cosim/demo: every verdict passed)
  1  a co-simulation verdict failed
  2  usage error (wrong arguments or options)
  3  invalid input (array, image or waveform file, a size over a limit such as --max-cells,
     an unknown field; the field and what is valid are printed)
  4  simulation failure (solver or ngspice error; its class and details are printed)
  5  ngspice is not installed (set CELLSPICE_NGSPICE=/path/to/ngspice or install it)
  129/130/143  stopped by SIGHUP / SIGINT (Ctrl-C) / SIGTERM, in any phase (ngspice
     killed, temporary files removed, nothing half-written)

Documentation: docs/cli.md`;

/** The `cellspice` command with its subcommands (docs/cli.md). */
export function buildProgram(): Command {
  const program = new Command("cellspice")
    .description(
      "Simulate CellNN and memristive M-CellNN arrays with cellspice's own solvers and with ngspice, compare them, and plot.",
    )
    .version(packageVersion(), "-V, --version", "print the cellspice version")
    .option("-q, --quiet", "no progress output on stderr")
    .option("--debug", "print stack traces of errors")
    .helpOption("-h, --help", "show help for a command")
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride()
    .addHelpText("after", EXIT_HELP);
  registerNetlist(program);
  registerSimulate(program);
  registerCosim(program);
  registerExport(program);
  registerPlot(program);
  registerTemplates(program);
  registerModels(program);
  registerMemristor(program);
  registerDemo(program);
  registerHardware(program);
  registerSample(program);
  benchCommand(program);
  registerSweep(program);
  registerWorker(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv form) and returns the exit code; never throws. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof UsageError) {
      const help =
        e instanceof CommandUsageError ? `\n${e.help}` : "\nRun 'cellspice --help' for usage.\n";
      process.stderr.write(`error: ${e.message}\n${help}`);
      return EXIT.usage;
    }
    process.stderr.write(describeError(e, argv.includes("--debug")));
    return exitCodeOf(e);
  }
}
