import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { parseSafetensors } from "../../src/trained/safetensors.js";
import { encodeSafetensors } from "../../src/trained/safetensorsWriter.js";
import { loadUnet, trainedEngine, unetForward } from "../../src/unet/index.js";

const CELLNN = "test/fixtures/models/cellnn-mnist";
const CONV = "test/fixtures/models/conv-mnist";
const scratch = mkdtempSync(join(tmpdir(), "cellspice-unet-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of an export whose weights (and manifest list) went through `edit`. */
function editedExport(
  from: string,
  edit: (tensors: Map<string, { shape: number[]; data: Float64Array }>) => void,
): string {
  const dir = mkdtempSync(join(scratch, "export-"));
  const manifest = JSON.parse(readFileSync(join(from, "manifest.json"), "utf8"));
  const { tensors } = parseSafetensors(readFileSync(join(from, "model.safetensors")));
  const edited = new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
  edit(edited);
  manifest.tensors = [...edited].map(([name, t]) => ({ name, dtype: "F32", shape: t.shape }));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  writeFileSync(
    join(dir, "model.safetensors"),
    encodeSafetensors([...edited].map(([name, t]) => ({ name, dtype: "F32", ...t }))),
  );
  copyFileSync(join(from, "golden.safetensors"), join(dir, "golden.safetensors"));
  return dir;
}

function fieldOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).field;
  }
  throw new Error("did not throw");
}

describe("loadUnet(dir)", () => {
  it("gives the architecture, schedule and the 7 cellular layers of an export", () => {
    const unet = loadUnet(CELLNN);
    expect(unet).toMatchObject({ backbone: "cellnn", nFeat: 32, inChannels: 1, imageSize: 28 });
    expect(unet).toMatchObject({ nClasses: 10, nT: 400, betas: [1e-4, 0.02] });
    expect(unet.cellLayers.map((l) => [l.spec.name, l.A.length, l.B.length, l.z.length])).toEqual([
      ["init_conv", 32 * 32 * 9, 32 * 9, 32],
      ["down1.block", 32 * 32 * 9, 32 * 32 * 9, 32],
      ["down2.block", 64 * 64 * 9, 64 * 32 * 9, 64],
      ["up1.block1", 32 * 32 * 9, 32 * 32 * 9, 32],
      ["up1.block2", 32 * 32 * 9, 32 * 32 * 9, 32],
      ["up2.block1", 32 * 32 * 9, 32 * 32 * 9, 32],
      ["up2.block2", 32 * 32 * 9, 32 * 32 * 9, 32],
    ]);
    expect(loadUnet(CONV).cellLayers).toEqual([]);
  });

  it("names the file that is missing or unreadable", () => {
    expect(fieldOf(() => loadUnet(join(scratch, "nowhere")))).toBe(
      join(scratch, "nowhere", "manifest.json"),
    );
    const dir = mkdtempSync(join(scratch, "partial-"));
    copyFileSync(join(CELLNN, "manifest.json"), join(dir, "manifest.json"));
    expect(fieldOf(() => loadUnet(dir))).toBe(join(dir, "model.safetensors"));
  });

  it("names a tensor the forward needs that is missing, for each backbone", () => {
    for (const [from, name] of [
      [CELLNN, "up0.0.weight"],
      [CELLNN, "down2.block.A"],
      [CONV, "up2.block1.conv2.1.running_var"],
      [CONV, "timeembed2.net.2.bias"],
    ]) {
      const dir = editedExport(from, (t) => t.delete(name));
      expect(fieldOf(() => loadUnet(dir))).toBe(`tensors.${name}`);
    }
  });

  it("names a tensor of the wrong shape", () => {
    const dir = editedExport(CONV, (t) => {
      t.set("out.3.weight", { shape: [1, 32, 1, 9], data: t.get("out.3.weight")!.data });
    });
    const f = () => loadUnet(dir);
    expect(fieldOf(f)).toBe("tensors.out.3.weight");
    expect(f).toThrow(/has shape \[1,32,1,9\].*\[1,32,3,3\]/);
    const dir2 = editedExport(CELLNN, (t) => {
      const z = t.get("contextembed1.net.0.weight")!;
      t.set("contextembed1.net.0.weight", { shape: [32, 9], data: z.data.subarray(0, 32 * 9) });
    });
    expect(fieldOf(() => loadUnet(dir2))).toBe("tensors.contextembed1.net.0.weight");
  });
});

describe("unetForward inputs", () => {
  const unet = loadUnet(CONV, { golden: false });
  const x = new Float64Array(2 * 28 * 28);
  const run = (c: number[], t = [0.5, 0.5], drop = [0, 0], xt = x) =>
    unetForward(
      unet,
      xt,
      Int32Array.from(c),
      Float64Array.from(t),
      Float64Array.from(drop),
      trainedEngine(),
    );
  it("names the input that does not fit", () => {
    expect(fieldOf(() => run([0, 10]))).toBe("c[1]");
    expect(fieldOf(() => run([0, -1]))).toBe("c[1]");
    expect(fieldOf(() => run([0, 1], [0.5]))).toBe("t");
    expect(fieldOf(() => run([0, 1], undefined, [0, 0, 1]))).toBe("drop");
    expect(fieldOf(() => run([0, 1], undefined, undefined, new Float64Array(28 * 28)))).toBe("x_t");
    expect(run([0, 1]).length).toBe(2 * 28 * 28);
  });
});
