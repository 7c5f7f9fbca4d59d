/**
 * How the images' error grows with transconductor mismatch, from a hardware sweep's rows: the
 * pixel RMSE against the ideal images divided by σ, per mismatch point and seed, and pooled over
 * a point's seeds (mean with a 95 % Student-t interval over the images), optionally for a subset
 * of classes — so that two fixtures' sweeps can be set side by side on the same classes
 * (docs/hardware.md, "Which layers, and which network").
 *
 *     npx tsx scripts/mismatch-law.ts ROWS.jsonl [--classes 2,7]
 *
 * Prints one JSON line per point and seed, then one per point.
 */
import { Command } from "commander";
import { readHardwareRows } from "../src/report/hardwareReport.js";
import { meanInterval, perImageRmse } from "../src/report/hardwareStats.js";

const program = new Command("mismatch-law")
  .argument("<rows>", "rows file of a hardware sweep (JSONL)")
  .option("--classes <list>", "only the samples of these classes, e.g. 2,7")
  .parse();
const [path] = program.args;
const only = program.opts().classes?.split(",").map(Number) as number[] | undefined;

const rows = readHardwareRows(path);
const ideal = rows.find((r) => r.ideal);
if (!ideal) throw new Error(`${path}: no ideal row`);
const pooled = new Map<number, number[]>();
for (const r of rows) {
  if (r.axis !== "mismatch.sigma") continue;
  const sigma = Number(r.value);
  const rmse = perImageRmse(r, ideal).filter((_, k) => !only || only.includes(r.classes[k]));
  const ratios = rmse.map((v) => v / sigma);
  pooled.set(sigma, [...(pooled.get(sigma) ?? []), ...ratios]);
  console.log(JSON.stringify({ sigma, seed: r.mismatchSeed, rmseOverSigma: meanInterval(ratios) }));
}
for (const [sigma, ratios] of pooled)
  console.log(JSON.stringify({ sigma, seeds: "pooled", rmseOverSigma: meanInterval(ratios) }));
