import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, cli } from "../cli/cli.js";

/** `cellspice hardware check|resources` end to end (dist/). */
describe("cellspice hardware", () => {
  const dir = mkdtempSync(join(tmpdir(), "cellspice-hardware-"));
  beforeAll(buildOnce, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const profile = (doc: Record<string, unknown>) => {
    const p = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, JSON.stringify({ format: "cellspice-hardware", version: 1, ...doc }));
    return p;
  };

  it("check prints the profile with every default; bad profiles exit 3 naming the field", async () => {
    const ok = await cli([
      "hardware",
      "check",
      "models/hardware/ace16k-like.json",
      "--model",
      "test/fixtures/models/cellnn-mnist",
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).mismatch.sigma).toBe(0.01);
    for (const [doc, field, valid] of [
      [{ mismatch: { sigma: -0.1 } }, "mismatch.sigma", "[0, 1]"],
      [{ quantisation: { bits: 0 } }, "quantisation.bits", "[2, 32]"],
      [{ quantisation: { bits: 40 } }, "quantisation.bits", "[2, 32]"],
      [{ settling: { T_hw: 0 } }, "settling.T_hw", "(0, 1000]"],
      [{ mismatch: { sigmma: 0.1 } }, "mismatch.sigmma", "sigma"],
    ] as const) {
      const r = await cli(["hardware", "check", profile(doc)]);
      expect(r.code, field).toBe(3);
      expect(r.stderr, field).toContain(field);
      expect(r.stderr, field).toContain(valid);
    }
    const layer = await cli([
      "hardware",
      "check",
      profile({ layers: { analog: ["down9.block"] } }),
      "--model",
      "test/fixtures/models/cellnn-mnist",
    ]);
    expect(layer.code).toBe(3);
    expect(layer.stderr).toContain("layers.analog[0]");
    expect(layer.stderr).toContain("down1.block");
  }, 60_000);

  it("resources counts the fixture's analog cells and sets them beside ACE16k", async () => {
    const r = await cli([
      "hardware",
      "resources",
      "test/fixtures/models/cellnn-mnist",
      "--hardware",
      "models/hardware/ideal.json",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // n_feat 32: four layers of 32×28×28, down2 of 64×14×14, two of 32×14×14.
    expect(j.totals.cells).toBe(4 * 32 * 784 + 64 * 196 + 2 * 32 * 196);
    expect(j.ace16k.gops).toBe(330);
    expect(j.totals.forwardsPerImage).toBe(50);
  }, 60_000);
});
