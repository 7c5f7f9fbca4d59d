import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Dependencies point one way (STYLE.md principle 11): each module of src/ may import only the
 * modules listed for it. Type-only imports of the ODE contract (solvers/types) are allowed
 * upstream, since models implement it.
 */
const ALLOWED: Record<string, string[]> = {
  core: [],
  devices: ["core"],
  cells: ["core", "devices", "kernels"],
  kernels: ["core"],
  solvers: ["core"],
  nn: ["core", "kernels"],
  spice: ["core", "devices", "cells"],
  engines: ["core", "devices", "cells", "solvers", "spice"],
  cosim: ["core", "devices", "cells", "solvers", "spice", "engines"],
  // The trained-model side: export reader → UNet forward → samplers / metrics → hardware → sweeps.
  trained: ["core", "devices", "cells", "solvers", "engines"],
  unet: ["core", "devices", "cells", "solvers", "engines", "nn", "trained", "kernels"],
  diffusion: ["core"],
  metrics: ["core", "nn", "trained"],
  hardware: [
    "core",
    "devices",
    "cells",
    "solvers",
    "spice",
    "engines",
    "cosim",
    "trained",
    "unet",
    "kernels",
  ],
  plot: ["core"],
  report: [
    "core",
    "devices",
    "cells",
    "solvers",
    "spice",
    "engines",
    "cosim",
    "trained",
    "unet",
    "diffusion",
    "metrics",
    "hardware",
    "plot",
  ],
  sweep: [
    "core",
    "kernels",
    "devices",
    "cells",
    "solvers",
    "nn",
    "spice",
    "engines",
    "cosim",
    "trained",
    "unet",
    "diffusion",
    "metrics",
    "hardware",
    "plot",
    "report",
  ],
  bench: [
    "core",
    "kernels",
    "devices",
    "cells",
    "solvers",
    "nn",
    "spice",
    "engines",
    "cosim",
    "trained",
    "unet",
    "diffusion",
    "metrics",
    "hardware",
    "plot",
  ],
  cli: [
    "core",
    "kernels",
    "devices",
    "cells",
    "solvers",
    "nn",
    "spice",
    "engines",
    "cosim",
    "trained",
    "unet",
    "diffusion",
    "metrics",
    "hardware",
    "plot",
    "report",
    "bench",
    "sweep",
  ],
};

/** Node built-ins that start processes or touch files, and the modules allowed to use them. */
const SIDE_EFFECTS: Record<string, string[]> = {
  "node:child_process": ["spice", "cli", "bench", "sweep"],
  "node:fs": ["spice", "cli", "bench", "report", "devices", "trained", "metrics", "sweep"],
  "node:fs/promises": ["spice", "cli", "bench", "report", "sweep"],
};
const HEAVY: Record<string, string[]> = {
  d3: ["plot", "bench"],
  odex: ["solvers"],
  mathjs: ["core"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("src/ architecture", () => {
  const sources = files("src").filter((f) => f !== join("src", "index.ts"));

  it("every module is known", () => {
    for (const f of sources)
      expect(Object.keys(ALLOWED)).toContain(relative("src", f).split("/")[0]);
  });

  for (const f of sources) {
    const module = relative("src", f).split("/")[0];
    it(`${relative("src", f)} imports only what its layer may`, () => {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
        const typeOnly = Boolean(m[2]);
        const spec = m[3];
        if (spec.startsWith(".")) {
          const target = relative("src", join(f, "..", spec)).split("/")[0];
          if (target === module || target.endsWith(".js")) continue;
          if (typeOnly && target === "solvers" && spec.endsWith("solvers/types.js")) continue;
          expect(ALLOWED[module], `${f} imports ${spec}`).toContain(target);
        } else {
          const base = spec.startsWith("node:") ? spec : spec.split("/")[0];
          if (SIDE_EFFECTS[base])
            expect(SIDE_EFFECTS[base], `${f} imports ${spec}`).toContain(module);
          if (HEAVY[base]) expect(HEAVY[base], `${f} imports ${spec}`).toContain(module);
        }
      }
    });
  }
});
