import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, cli, ROOT } from "../cli/cli.js";

/** `cellspice sample --threads N` end to end, from dist/. */
const MODEL = join(ROOT, "test/fixtures/models/cellnn-mnist");
const TINY = ["--classes", "2,5", "--per-class", "2", "--steps", "2", "--batch", "4", "-q"];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cellspice-threads-"));
  await buildOnce();
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("cellspice sample --threads", () => {
  it("sample --threads 2 writes the same samples.safetensors bytes as --threads 1; the summary says 2 threads", async () => {
    const one = await cli([
      "sample",
      MODEL,
      ...TINY,
      "--threads",
      "1",
      "--out-dir",
      join(dir, "t1"),
    ]);
    expect(one.code, one.stderr).toBe(0);
    const two = await cli([
      "sample",
      MODEL,
      ...TINY,
      "--threads",
      "2",
      "--out-dir",
      join(dir, "t2"),
    ]);
    expect(two.code, two.stderr).toBe(0);
    const a = readFileSync(join(dir, "t1", "samples.safetensors"));
    const b = readFileSync(join(dir, "t2", "samples.safetensors"));
    expect(b.length).toBe(a.length);
    expect(b.equals(a)).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, "t2", "summary.json"), "utf8"));
    expect(summary.sets[0].engine).toMatchObject({ engine: "trained", threads: 2 });
    const single = JSON.parse(readFileSync(join(dir, "t1", "summary.json"), "utf8"));
    expect(single.sets[0].engine.threads).toBeUndefined();
  });

  it("sample --threads 0 (or 1.5) exits 3 naming --threads", async () => {
    for (const bad of ["0", "1.5"]) {
      const r = await cli([
        "sample",
        MODEL,
        ...TINY,
        "--threads",
        bad,
        "--out-dir",
        join(dir, "bad"),
      ]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain("--threads");
    }
  });
});
