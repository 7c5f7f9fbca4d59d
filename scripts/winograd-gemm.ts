/**
 * Winograd's products alone (winogradGemm), F(2×2, 3×3) against F(4×4, 3×3), on the fixtures'
 * shapes, in real FLOP (two per multiply-add), beside the f32x4 multiply-add ceiling of
 * src/kernels/peakSimd.ts measured in the same process: how close the GEMM is to what one core's
 * 128-bit SIMD can issue (docs/performance.md, "Fused multiply-add and F(4×4, 3×3)").
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/winograd-gemm.ts
 *
 * U and V hold finite normal values in every lane (the padding tiles included); one JSON line
 * per shape and tile size on stdout.
 */
import { activeFma } from "../src/core/fusedMultiplyAdd.js";
import { seededRandom } from "../src/core/random.js";
import { peakSimd } from "../src/kernels/peakSimd.js";
import { newTaps3x3F32 } from "../src/kernels/taps3x3Simd.js";
import { winogradTiling } from "../src/kernels/winograd3x3F32.js";
import { mixedRegions } from "../src/kernels/workspace.js";

const simd = newTaps3x3F32();
const peak = peakSimd();
if (simd === null || simd.winograd === undefined || peak === null)
  throw new Error("this engine has no WebAssembly SIMD");
const wino = simd.winograd;

/** Best of 20 rounds of `inner` calls, ms per call, after a warm-up. */
function bestMs(f: () => void, inner: number): number {
  for (let i = 0; i < 3 * inner; i++) f();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 20; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) f();
    best = Math.min(best, (performance.now() - t0) / inner);
  }
  return best;
}

const ceilingView = new Float32Array(peak.memory.buffer, 0, 12);
ceilingView.fill(1 + 1e-7, 0, 4);
ceilingView.fill(1e-3, 4, 8);
ceilingView.fill(1, 8, 12);
let flop = 0;
const maddMs = peak.madd ? bestMs(() => void (flop = peak.run("f32x4", "madd", 1e5)), 5) : NaN;
const ceiling = peak.madd ? flop / maddMs / 1e6 : null;
const rand = seededRandom(1);
for (const [C, S] of [
  [32, 28],
  [64, 28],
  [32, 14],
  [64, 14],
] as const)
  for (const largest of [2, 4] as const) {
    const t = winogradTiling(S, S, largest);
    const [U, V, M] = mixedRegions(simd.memory, [
      { length: t.positions * C * C, float32: true },
      { length: t.positions * C * t.tiles8, float32: true },
      { length: t.positions * C * t.tiles8, float32: true },
    ]);
    for (let i = 0; i < U.length; i++) U[i] = 0.5 + rand();
    for (let i = 0; i < V.length; i++) V[i] = 0.5 + rand();
    const xiV = 4 * C * t.tiles8;
    const ms = bestMs(
      () =>
        wino.gemm(
          U.byteOffset,
          V.byteOffset,
          M.byteOffset,
          4 * C * C,
          xiV,
          xiV,
          C,
          C,
          t.tiles8,
          t.positions,
        ),
      20,
    );
    const gflops = (2 * t.positions * C * C * t.tiles8) / ms / 1e6;
    process.stdout.write(
      `${JSON.stringify({
        channels: C,
        size: S,
        tile: t.m,
        tiles8: t.tiles8,
        msPerCall: ms,
        gflops,
        ofMaddCeiling: ceiling === null ? null : gflops / ceiling,
        maddCeilingGflops: ceiling,
        fma: activeFma(),
        date: new Date().toISOString(),
      })}\n`,
    );
  }
