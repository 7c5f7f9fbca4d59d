import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { loadMnist, mnistDir, parseIdx, readIdx } from "../../src/metrics/index.js";
import { validationErrorOf as errorOf } from "../support/validationError.js";
import { testMnistDir } from "./mnistData.js";

/** An IDX file of unsigned bytes with the given dims and values. */
function idxBytes(dims: number[], values: number[], magic = [0, 0, 8]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  out.set(magic, 0);
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  for (const [k, d] of dims.entries()) view.setUint32(4 + 4 * k, d);
  out.set(values, 4 + 4 * dims.length);
  return out;
}

const scratch = mkdtempSync(join(tmpdir(), "cellspice-idx-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("parseIdx", () => {
  it("parseIdx(bytes) reads big-endian dims and the values in order", () => {
    const a = parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 255]), "x.idx");
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 255]);
    expect(parseIdx(idxBytes([70000], new Array(70000).fill(7)), "big").dims).toEqual([70000]);
  });

  it("parseIdx rejects a wrong magic, a float type, a short header and a wrong length, naming the file", () => {
    expect(errorOf(() => parseIdx(idxBytes([1], [0], [1, 0, 8]), "a.idx")).field).toBe("a.idx");
    expect(errorOf(() => parseIdx(idxBytes([1], [0], [0, 0, 0x0d]), "b.idx")).message).toMatch(
      /0x0d/,
    );
    expect(errorOf(() => parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0]), "c.idx")).message).toMatch(
      /cut short/,
    );
    expect(errorOf(() => parseIdx(idxBytes([2, 2], [1, 2, 3]), "d.idx")).message).toMatch(
      /3 values.*say 4/,
    );
    expect(errorOf(() => parseIdx(new Uint8Array([0, 0]), "e.idx")).field).toBe("e.idx");
  });
});

describe("readIdx", () => {
  it("readIdx(path) reads raw and gzipped files alike", () => {
    const bytes = idxBytes([2, 2], [9, 8, 7, 6]);
    writeFileSync(join(scratch, "raw-idx1-ubyte"), bytes);
    writeFileSync(join(scratch, "raw-idx1-ubyte.gz"), gzipSync(bytes));
    expect(Array.from(readIdx(join(scratch, "raw-idx1-ubyte")).data)).toEqual([9, 8, 7, 6]);
    expect(Array.from(readIdx(join(scratch, "raw-idx1-ubyte.gz")).data)).toEqual([9, 8, 7, 6]);
  });

  it("readIdx names the file that is missing or not gzip", () => {
    const missing = join(scratch, "nope.gz");
    expect(errorOf(() => readIdx(missing)).field).toBe(missing);
    const bad = join(scratch, "bad.gz");
    writeFileSync(bad, idxBytes([1], [1]));
    expect(errorOf(() => readIdx(bad)).message).toMatch(/not gzip/);
  });
});

describe("mnistDir", () => {
  it("mnistDir(option) prefers --data, then $CELLSPICE_MNIST", () => {
    expect(mnistDir("/a", { CELLSPICE_MNIST: "/b" })).toBe("/a");
    expect(mnistDir(undefined, { CELLSPICE_MNIST: "/b" })).toBe("/b");
  });

  it("mnistDir() without either says both ways to set it", () => {
    const e = errorOf(() => mnistDir(undefined, {}));
    expect(e.field).toBe("--data");
    expect(e.message).toMatch(/--data DIR/);
    expect(e.message).toMatch(/CELLSPICE_MNIST=DIR/);
  });
});

describe("loadMnist", () => {
  it("loadMnist(dir, 'test') reads 10,000 labelled 28×28 images scaled as training/data.py (float32 u/255)", () => {
    const test = loadMnist(testMnistDir(), "test");
    expect([test.n, test.rows, test.cols]).toEqual([10000, 28, 28]);
    expect(test.images.length).toBe(10000 * 784);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    // The MNIST test set's class counts (LeCun et al.).
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    const levels = new Set(Array.from({ length: 256 }, (_, u) => Math.fround(u / 255)));
    let max = 0;
    for (let k = 0; k < 784 * 100; k++) {
      expect(levels.has(test.images[k])).toBe(true);
      max = Math.max(max, test.images[k]);
    }
    expect(max).toBe(1);
    expect(test.images[0]).toBe(0);
  });

  it("loadMnist(dir, split, { limit }) keeps the first images", () => {
    const dir = testMnistDir();
    const few = loadMnist(dir, "train", { limit: 3 });
    expect(few.n).toBe(3);
    expect(Array.from(few.labels)).toEqual([5, 0, 4]);
    expect(errorOf(() => loadMnist(dir, "train", { limit: 0 })).field).toBe("limit");
  });

  it("loadMnist names a directory without the files and labels that do not match", () => {
    expect(errorOf(() => loadMnist(scratch, "test")).field).toBe(
      join(scratch, "t10k-images-idx3-ubyte"),
    );
    const dir = mkdtempSync(join(scratch, "mismatch-"));
    writeFileSync(join(dir, "t10k-images-idx3-ubyte"), idxBytes([2, 1, 1], [0, 255]));
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([3], [1, 2, 3]));
    expect(errorOf(() => loadMnist(dir, "test")).field).toBe(join(dir, "t10k-labels-idx1-ubyte"));
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([2], [1, 12]));
    expect(errorOf(() => loadMnist(dir, "test")).message).toMatch(/label 12/);
  });
});
