/** The schedule and the DDIM timesteps against PyTorch itself (training/), in one Python run. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ddimTimesteps, ddpmSchedule, linspaceFloat32 } from "../../src/diffusion/index.js";

const N_TS = [37, 50, 400];

interface Reference {
  schedule: { beta: number[]; alpha_bar: number[] };
  [nT: string]: unknown;
}

/** PyTorch's values, or undefined where PyTorch is not installed (CI always has it). */
function reference(): Reference | undefined {
  try {
    const out = execFileSync(
      "python3",
      [
        fileURLToPath(new URL("./fixtures/ddim_timesteps.py", import.meta.url)),
        "--all",
        ...N_TS.map(String),
      ],
      {
        encoding: "utf8",
        maxBuffer: 1 << 28,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, PYTHONPATH: fileURLToPath(new URL("../..", import.meta.url)) },
      },
    );
    return JSON.parse(out);
  } catch (e) {
    if (process.env.CI === "true") throw e;
    return undefined;
  }
}

describe("src/diffusion against PyTorch", () => {
  const ref = reference();

  it.skipIf(!ref)("ddimTimesteps and linspaceFloat32 equal PyTorch bit for bit for every S", () => {
    let cases = 0;
    for (const nT of N_TS) {
      const rows = (ref as Reference)[nT] as { linspace: number[]; taus: number[] }[];
      rows.forEach(({ linspace, taus }, k) => {
        const S = k + 1;
        const mine = Array.from(linspaceFloat32(nT, 1, S));
        if (mine.some((v, i) => v !== linspace[i]))
          expect({ nT, S, mine }).toEqual({ nT, S, mine: linspace });
        expect(ddimTimesteps(nT, S)).toEqual(taus);
        cases++;
      });
    }
    expect(cases).toBe(37 + 50 + 400);
  });

  it.skipIf(!ref)("ddpmSchedule equals training/diffusion.py's ddpm_schedule in float64", () => {
    const python = (ref as Reference).schedule;
    const s = ddpmSchedule(400, [1e-4, 0.02]);
    expect(Array.from(s.beta)).toEqual(python.beta);
    for (let t = 0; t <= 400; t++) {
      // Bit-equal where torch's cumprod multiplies in order; allow an ulp per factor otherwise.
      expect(Math.abs(s.alphaBar[t] - python.alpha_bar[t])).toBeLessThanOrEqual(
        2.3e-16 * (t + 1) * python.alpha_bar[t],
      );
    }
  });
});
