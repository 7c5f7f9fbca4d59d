/** Small hand-written netlists for the ngspice bridge tests (the first line is the title). */

/** RC charging from 0 to 1 V with τ = R·C = 1 ms; `.op` then `.tran` give two plots. */
export function rcNetlist(opts: { r?: number; title?: string; tstop?: number } = {}): string {
  const r = opts.r ?? 1e3;
  const tstop = opts.tstop ?? 5e-3;
  return [
    opts.title ?? "rc charging",
    "V1 in 0 DC 1",
    `R1 in x ${r}`,
    "C1 x 0 1e-6",
    ".options norefvalue noinit noacct",
    ".ic v(x)=0",
    ".op",
    `.tran 1e-5 ${tstop} 0 1e-5 uic`,
    ".save v(x) v(in) i(v1)",
    ".end",
  ].join("\n");
}

/** dv/dt = v² from v(0) = 1: v = 1/(1 − t) blows up at t = 1, before tstop = 2. */
export const BLOW_UP = [
  "finite-time blow-up",
  "C1 x 0 1",
  "B1 0 x I=v(x)*v(x)",
  ".ic v(x)=1",
  ".options norefvalue noinit noacct",
  ".tran 1e-3 2 0 1e-3 uic",
  ".end",
].join("\n");

/** A 1 ns step over 100 s: runs far longer than any test's time limit. */
export const LONG_RUN = [
  "long run",
  "V1 in 0 SIN(0 1 1e6)",
  "R1 in x 1k",
  "C1 x 0 1n",
  ".options norefvalue noinit noacct",
  ".save v(x)",
  ".tran 1e-9 100 0 1e-9",
  ".end",
].join("\n");
