import type { Command } from "commander";
import { arrayNetlist } from "../../spice/netlist/cellArray.js";
import { renderNetlist } from "../../spice/netlist/model.js";
import { checkTopology } from "../../spice/netlist/topology.js";
import { act } from "../action.js";
import {
  addNgspiceOptions,
  addTransientOptions,
  type NgspiceFlags,
  ngspiceOptions,
  sizeLimits,
} from "../engineOptions.js";
import { readArrayFile, writeOutput } from "../files.js";

interface Flags extends NgspiceFlags {
  output?: string;
}

/** `cellspice netlist <array.json>`: the array's ngspice netlist, topology-checked. */
export function registerNetlist(program: Command): void {
  const cmd = program
    .command("netlist")
    .description(
      "write the ngspice netlist of an array file (checked: every node has a DC path to ground)",
    )
    .argument("<array.json>", "array file (cellspice-array format, docs/array-format.md)")
    .option("-o, --output <file.cir>", "write the netlist to this file (default: stdout)");
  addTransientOptions(cmd);
  addNgspiceOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nExample:\n  cellspice netlist edge.json --T 5 --max-step 1e-3 -o edge.cir",
  );
  cmd.action(
    act<Flags>(async ([file], flags, ctx) => {
      const { array, simulation } = await readArrayFile(file, sizeLimits(flags));
      const built = arrayNetlist(array, ngspiceOptions(flags, simulation));
      checkTopology(built.netlist);
      const text = renderNetlist(built.netlist);
      if (flags.output === undefined) {
        ctx.out(text);
        return;
      }
      await writeOutput(flags.output, text, [file]);
      ctx.progress(
        `wrote ${flags.output}: ${built.netlist.elements.length} elements, ${built.stateVectors.length + built.memristorVectors.length} saved vectors, tstop ${built.tstop} s`,
      );
    }),
  );
}
