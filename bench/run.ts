/**
 * The benchmarks as a script: `npx tsx bench/run.ts [--full] [--suite scaling,multichannel,memristor]
 * [--ngspice-max N] [--report-only]`. The same code as `cellspice bench` (src/cli/commands/bench.ts).
 */
import { Command } from "commander";
import { benchCommand } from "../src/cli/commands/bench.js";

process.env.CELLSPICE_BENCH_COMMAND ??=
  `npx tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trim();
const program = new Command("bench-run");
benchCommand(program);
await program.parseAsync(["bench", ...process.argv.slice(2)], { from: "user" });
