import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { paramDefaults } from "../../src/core/params.js";
import { loadMemristorFile, parseMemristorFile } from "../../src/devices/modelFile.js";
import {
  createMemristor,
  MEMRISTOR_MODELS,
  memristorModelNames,
} from "../../src/devices/registry.js";
import { STRACHAN_PARAMS, STRACHAN_SMOOTH_PARAMS } from "../../src/devices/strachanParams.js";

function catchValidation(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

const dir = mkdtempSync(join(tmpdir(), "cellspice-devices-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function tempFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("createMemristor(name, overrides)", () => {
  it("builds both registered models with the declared defaults", () => {
    expect(memristorModelNames()).toEqual([
      "strachan-taox",
      "strachan-taox-smooth",
      "strachan-taox-smooth-v1",
    ]);
    const orig = createMemristor("strachan-taox");
    expect(orig.params).toEqual(paramDefaults(STRACHAN_PARAMS));
    expect([orig.wMin, orig.wMax]).toEqual([0, 1]);
    const smooth = createMemristor("strachan-taox-smooth");
    expect(smooth.params).toEqual(paramDefaults(STRACHAN_SMOOTH_PARAMS));
    expect([smooth.wMin, smooth.wMax]).toEqual([1e-3, 1]);
    expect(Object.isFrozen(smooth.params)).toBe(true);
  });

  it("applies overrides (the OFF-conduction fit a = 2.3e-6 S, b = 1.6 V^-1/2)", () => {
    const m = createMemristor("strachan-taox", { a: 2.3e-6, b: 1.6 });
    expect(m.params.a).toBe(2.3e-6);
    expect(m.current(0, 0.25)).toBeCloseTo(2.3e-6 * Math.exp(1.6 * 0.5) * 0.25, 18);
  });

  it("refuses an unknown model name, listing the valid names", () => {
    const e = catchValidation(() => createMemristor("hp-tio2"));
    expect(e.field).toBe("memristor.model");
    expect(e.message).toContain('"hp-tio2"');
    expect(e.valid).toBe("one of strachan-taox, strachan-taox-smooth, strachan-taox-smooth-v1");
  });

  it("refuses an out-of-range parameter, naming the field and its valid range", () => {
    const e = catchValidation(() => createMemristor("strachan-taox", { G_m: -0.025 }));
    expect(e.field).toBe("memristor.params.G_m");
    expect(e.valid).toBe("a finite number in (0, 1] S");
    const e2 = catchValidation(() => createMemristor("strachan-taox-smooth", { k_theta: 1 }));
    expect(e2.field).toBe("memristor.params.k_theta");
    expect(e2.valid).toBe("a finite number in [10, 1e5] 1/V");
    const e3 = catchValidation(() => createMemristor("strachan-taox", { A: 1 }));
    expect(e3.field).toBe("memristor.params.A");
    expect(e3.valid).toContain("A_off");
  });

  it("refuses overlapping boundary windows (w_min + 2·delta_w > w_max)", () => {
    const e = catchValidation(() =>
      createMemristor("strachan-taox-smooth", { w_min: 0.5, w_max: 0.6, delta_w: 0.1 }),
    );
    expect(e.field).toBe("memristor.params.delta_w");
  });

  it("exports parameter tables whose names are distinct ignoring case (SPICE)", () => {
    for (const entry of MEMRISTOR_MODELS) {
      const lower = entry.params.map((p) => p.name.toLowerCase());
      expect(new Set(lower).size).toBe(lower.length);
      for (const p of entry.params) {
        expect(p.description.length).toBeGreaterThan(10);
        expect(p.default).toBeGreaterThanOrEqual(p.min);
        expect(p.default).toBeLessThanOrEqual(p.max);
      }
    }
  });
});

describe("loadMemristorFile(path)", () => {
  it("loads models/taox-strachan.json and models/taox-strachan-smooth.json (the defaults)", () => {
    const orig = loadMemristorFile(resolve("models/taox-strachan.json"));
    expect(orig.name).toBe("strachan-taox");
    expect(orig.params).toEqual(paramDefaults(STRACHAN_PARAMS));
    const smooth = loadMemristorFile(resolve("models/taox-strachan-smooth.json"));
    expect(smooth.name).toBe("strachan-taox-smooth");
    expect(smooth.params).toEqual(paramDefaults(STRACHAN_SMOOTH_PARAMS));
  });

  it("refuses malformed JSON, naming the file and the problem", () => {
    const path = tempFile("broken.json", '{"model": "strachan-taox", "params": {');
    const e = catchValidation(() => loadMemristorFile(path));
    expect(e.field).toBe(path);
    expect(e.message).toContain("malformed JSON");
    expect(e.details.file).toBe(path);
  });

  it("refuses an out-of-range value in a file, naming file and field", () => {
    const path = tempFile("bad.json", '{"model": "strachan-taox", "params": {"x_on": 0}}');
    const e = catchValidation(() => loadMemristorFile(path));
    expect(e.field).toBe(`${path}:params.x_on`);
    expect(e.valid).toBe("a finite number in (0, 1]");
  });

  it("refuses a wrong shape: unknown model, missing params, unknown key, non-string source", () => {
    expect(
      catchValidation(() => parseMemristorFile('{"model": "x", "params": {}}', "f.json")).field,
    ).toBe("f.json:model");
    expect(
      catchValidation(() => parseMemristorFile('{"model": "strachan-taox"}', "f.json")).field,
    ).toBe("f.json:params");
    expect(
      catchValidation(() =>
        parseMemristorFile('{"model": "strachan-taox", "params": {}, "extra": 1}', "f.json"),
      ).field,
    ).toBe("f.json:extra");
    expect(
      catchValidation(() =>
        parseMemristorFile('{"model": "strachan-taox", "params": {}, "source": 3}', "f.json"),
      ).field,
    ).toBe("f.json:source");
    expect(catchValidation(() => parseMemristorFile("[1, 2]", "f.json")).field).toBe("f.json");
  });

  it("refuses a missing file, naming it", () => {
    const e = catchValidation(() => loadMemristorFile(join(dir, "absent.json")));
    expect(e.message).toContain("cannot read file");
  });
});
