/**
 * What test/unet/forward.test.ts asserts, as numbers (docs/unet.md quotes them): for each
 * fixture, the trained engine's forward from the golden inputs against the golden ε (max |Δ| /
 * max |ε|) and the worst block tensor on the way (max |Δ| / max(1, max |ref|)). Seconds:
 *
 *     npx tsx scripts/forward-parity.ts
 */
import { loadUnet, trainedEngine, unetForward } from "../src/unet/index.js";

const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

for (const fixture of ["conv-mnist", "cellnn-mnist", "mcellnn-mnist"]) {
  const unet = loadUnet(`test/fixtures/models/${fixture}`);
  const golden = (name: string) => unet.golden!.get(name)!.data;
  const trace = new Map<string, Float64Array>();
  const eps = unetForward(
    unet,
    golden("forward.x_t"),
    Int32Array.from(golden("forward.c")),
    golden("forward.t"),
    golden("forward.drop"),
    trainedEngine(),
    { trace },
  );
  const want = golden("forward.output");
  let worst = 0;
  let worstName = "";
  for (const name of [...unet.golden!.keys()].filter((k) => k.startsWith("layers."))) {
    const ref = golden(name);
    const e = maxDiff(trace.get(name)!, ref) / Math.max(1, maxAbs(ref));
    if (e > worst) [worst, worstName] = [e, name];
  }
  console.log(
    `${fixture} (n_feat ${unet.nFeat}): ε ${(maxDiff(eps, want) / maxAbs(want)).toExponential(2)}, worst block ${worst.toExponential(2)} (${worstName})`,
  );
}
