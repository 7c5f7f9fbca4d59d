/**
 * Numbers written into SPICE text. SPICE reads scale suffixes case-insensitively (`M` and `m`
 * are both milli, `Meg` is mega), so cellspice never writes a suffix: every number is the
 * shortest decimal that round-trips to the same double, in exponent form, ASCII only.
 */
export function formatSpiceNumber(x: number): string {
  if (!Number.isFinite(x)) {
    throw new RangeError(`cannot write ${x} into a netlist: SPICE numbers must be finite`);
  }
  if (x === 0) return "0";
  // toExponential() without an argument gives the shortest digits that round-trip.
  return x.toExponential().replace("e+", "e");
}
