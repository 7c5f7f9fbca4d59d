import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSafetensors } from "../../src/trained/safetensors.js";
import { encodeSafetensors, writeSafetensors } from "../../src/trained/safetensorsWriter.js";

const dir = mkdtempSync(join(tmpdir(), "cellspice-st-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tensors = [
  {
    name: "x0",
    dtype: "F32",
    shape: [2, 1, 2, 3],
    data: Array.from({ length: 12 }, (_, i) => i / 3 - 1),
  },
  { name: "classes", dtype: "I64", shape: [2], data: [3, -7] },
  { name: "w", dtype: "F64", shape: [1], data: [Math.PI] },
] as const;

describe("encodeSafetensors / writeSafetensors", () => {
  it("writeSafetensors round-trips through the reader, F32 rounded, I64 and F64 exact", async () => {
    const path = join(dir, "a.safetensors");
    await writeSafetensors(path, tensors, { producer: "test" });
    const bytes = readFileSync(path);
    const { tensors: back, metadata } = parseSafetensors(bytes, path);
    expect(metadata).toEqual({ producer: "test" });
    expect(back.get("x0")?.shape).toEqual([2, 1, 2, 3]);
    expect(Array.from(back.get("x0")?.data ?? [])).toEqual(tensors[0].data.map(Math.fround));
    expect(Array.from(back.get("classes")?.data ?? [])).toEqual([3, -7]);
    expect(back.get("w")?.data[0]).toBe(Math.PI);
    // The header is padded so that the data start on an 8-byte boundary.
    expect(
      (8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))) % 8,
    ).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("the file reads in Python's safetensors with the same values", async () => {
    const path = join(dir, "py.safetensors");
    await writeSafetensors(path, tensors);
    let out: string;
    try {
      out = execFileSync(
        "python3",
        [
          "-c",
          "import sys, json; from safetensors.numpy import load_file; t = load_file(sys.argv[1]); print(json.dumps({k: [str(v.dtype), list(v.shape), v.ravel().tolist()] for k, v in t.items()}))",
          path,
        ],
        { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
      );
    } catch {
      if (process.env.CI === "true") throw new Error("Python's safetensors is required on CI");
      return;
    }
    const py = JSON.parse(out);
    expect(py.x0[0]).toBe("float32");
    expect(py.x0[1]).toEqual([2, 1, 2, 3]);
    expect(py.x0[2]).toEqual(tensors[0].data.map(Math.fround));
    expect(py.classes).toEqual(["int64", [2], [3, -7]]);
    expect(py.w).toEqual(["float64", [1], [Math.PI]]);
  });

  it("encodeSafetensors refuses a shape that does not hold the data, naming the tensor", () => {
    expect(() =>
      encodeSafetensors([{ name: "x", dtype: "F32", shape: [2, 2], data: [1, 2, 3] }]),
    ).toThrow(/^tensors\.x: 3 values; valid: 4 for shape \[2,2\]/);
    expect(() => encodeSafetensors([{ name: "c", dtype: "I64", shape: [1], data: [0.5] }])).toThrow(
      /^tensors\.c\[0\]/,
    );
    expect(() =>
      encodeSafetensors([
        { name: "a", dtype: "F32", shape: [1], data: [1] },
        { name: "a", dtype: "F32", shape: [1], data: [1] },
      ]),
    ).toThrow(/duplicate/);
  });
});
