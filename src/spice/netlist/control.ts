import { ValidationError } from "../../core/errors.js";

/**
 * The `.control` block of a netlist meant to be run by hand (ngspice 39 dialect, its control
 * language):
 *
 *   ngspice -b FILE      runs the transient, writes FILE's base name + `.raw` in FILE's own
 *                        directory (`$inputdir`) and exits 0
 *   ngspice FILE         the same at load, then stays at the prompt: `plot v(x_0_1_2)`, `run`
 *
 * `quit` only in batch mode (`$?batchmode`), so an interactive session stays open. cellspice's
 * runner renders netlists without it (it passes `-r` itself). The raw file holds the vectors of
 * the netlist's `.save` card.
 */
export function controlBlock(rawFile: string): string[] {
  if (!/^[\w.+-]+\.raw$/.test(rawFile)) {
    throw new ValidationError(
      "rawFile",
      JSON.stringify(rawFile),
      "a plain file name ending in .raw (letters, digits, . _ + -)",
    );
  }
  return ["run", `write $inputdir/${rawFile}`, "if $?batchmode", "  quit 0", "end"];
}

/** "edge-8x8.cir" → "edge-8x8.raw": the raw file a netlist's `.control` block writes. */
export function rawFileFor(netlistFile: string): string {
  const base = netlistFile.replace(/^.*[\\/]/, "");
  return `${base.replace(/\.(cir|sp|spice|net)$/i, "")}.raw`;
}
