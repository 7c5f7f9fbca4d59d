/**
 * GELU per element on the values a UNet block sees (normal, σ = 2), and erf alone:
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx test/nn/geluBench.ts
 *
 * Prints ns per element and appends one JSON row per case to bench/results/nn.jsonl. Not a test.
 */
import { appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { benchEnvironment, loadAverage } from "../../src/bench/environment.js";
import { timeRepeated } from "../../src/bench/measure.js";
import { seededRandom } from "../../src/core/random.js";
import { erf, geluInPlace } from "../../src/nn/index.js";

const N = 1 << 20;
const random = seededRandom(3);
const source = new Float64Array(N);
for (let q = 0; q < N; q++) {
  const u = random() || 1e-300;
  source[q] = 2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
const work = new Float64Array(N);
const cases: [string, () => void][] = [
  [
    "geluInPlace, x ~ N(0, 2²)",
    () => {
      work.set(source);
      geluInPlace(work);
    },
  ],
  [
    "erf, x ~ N(0, 2²)",
    () => {
      for (let q = 0; q < N; q++) work[q] = erf(source[q]);
    },
  ],
];
const env = benchEnvironment("npx tsx test/nn/geluBench.ts");
const runId = new Date().toISOString();
const out = fileURLToPath(new URL("../../bench/results/nn.jsonl", import.meta.url));
for (const [name, task] of cases) {
  const { timing } = await timeRepeated(task, {
    warmups: 2,
    minRepeats: 5,
    maxRepeats: 30,
    minTotalMs: 1000,
  });
  const ns = (timing.medianMs * 1e6) / N;
  const load = loadAverage();
  console.log(
    `${name.padEnd(28)} ${ns.toFixed(1).padStart(7)} ns/element  (load ${load.toFixed(2)})`,
  );
  const row = {
    runId,
    suite: "nn-gelu",
    case: name,
    elements: N,
    nsPerElement: ns,
    wallMs: timing.medianMs,
    wallMsMin: timing.minMs,
    repeats: timing.repeats,
    warmups: timing.warmups,
    load,
    env,
    date: new Date().toISOString(),
  };
  appendFileSync(out, `${JSON.stringify(row)}\n`);
}
