import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import {
  checkProfileLayers,
  HARDWARE_FORMAT,
  idealProfile,
  isIdealProfile,
  PROFILE_FIELDS,
  parseHardwareProfile,
  profileDocument,
  validateHardwareProfile,
  withProfile,
} from "../../src/hardware/index.js";

const base = { format: HARDWARE_FORMAT, version: 1 };

function refusal(doc: unknown): ValidationError {
  try {
    validateHardwareProfile(doc, "p.json");
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("profile was accepted");
}

describe("validateHardwareProfile", () => {
  it("validateHardwareProfile fills every declared default; the default profile is ideal", () => {
    const p = validateHardwareProfile(base);
    for (const f of PROFILE_FIELDS) {
      const [s, k] = f.path.split(".");
      const v = (p as unknown as Record<string, Record<string, unknown>>)[s][k];
      if (f.kind === "number" || f.kind === "choice") expect(v, f.path).toEqual(f.default);
    }
    expect(isIdealProfile(p)).toBe(true);
    expect(isIdealProfile(withProfile(p, { "mismatch.sigma": 0.01 }))).toBe(false);
  });

  it("validateHardwareProfile round-trips profileDocument", () => {
    const p = withProfile(idealProfile(), {
      "quantisation.bits": 6,
      "memristor.sigma": { G_m: 0.1 },
      "layers.analog": ["init_conv"],
    });
    expect(validateHardwareProfile(profileDocument(p))).toEqual(p);
  });

  it("refuses unknown fields with a did-you-mean, naming the field", () => {
    let e = refusal({ ...base, mismatc: { sigma: 0.1 } });
    expect(e.field).toBe("p.json:mismatc");
    expect(e.message).toContain("mismatch");
    e = refusal({ ...base, mismatch: { sigmaa: 0.1 } });
    expect(e.field).toBe("p.json:mismatch.sigmaa");
    expect(e.message).toContain("did you mean");
    expect(e.valid).toContain("sigma");
    e = refusal({ ...base, memristor: { sigma: { G_mm: 0.1 } } });
    expect(e.field).toBe("p.json:memristor.sigma.G_mm");
    expect(e.message).toContain("G_m");
  });

  it("refuses sigma < 0, bits 0 or 40, T_hw <= 0, naming the field and what is valid", () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ mismatch: { sigma: -0.01 } }, "mismatch.sigma", "[0, 1]"],
      [{ offset: { sigma: -1 } }, "offset.sigma", "[0, 10]"],
      [{ quantisation: { bits: 0 } }, "quantisation.bits", "an integer in [2, 32]"],
      [{ quantisation: { bits: 40 } }, "quantisation.bits", "an integer in [2, 32]"],
      [{ quantisation: { bits: 6.5 } }, "quantisation.bits", "integer"],
      [{ dac: { bits: 0 } }, "dac.bits", "[2, 32]"],
      [{ adc: { bits: 40 } }, "adc.bits", "[2, 32]"],
      [{ settling: { T_hw: 0 } }, "settling.T_hw", "(0, 1000] tau"],
      [{ settling: { T_hw: -1 } }, "settling.T_hw", "(0, 1000] tau"],
      [{ memristor: { sigma: { G_m: -0.1 } } }, "memristor.sigma.G_m", "[0, 2]"],
      [{ quantisation: { rounding: "up" } }, "quantisation.rounding", '"nearest"'],
      [{ layers: { analog: "all" } }, "layers.analog", '"cellular"'],
      [{ stuck: { fraction: 2 } }, "stuck.fraction", "[0, 1]"],
      [{ thermal: "hot" }, "thermal", "temperature"],
    ];
    for (const [doc, field, valid] of cases) {
      const e = refusal({ ...base, ...doc });
      expect(e.field, field).toBe(`p.json:${field}`);
      expect(e.valid, field).toContain(valid);
    }
  });

  it("refuses a wrong format or version", () => {
    expect(refusal({ ...base, format: "cellspice-sweep" }).field).toBe("p.json:format");
    expect(refusal({ ...base, version: 2 }).field).toBe("p.json:version");
    expect(() => parseHardwareProfile("{", "x.json")).toThrow(/x\.json: is not JSON/);
  });

  it("checkProfileLayers refuses a layer that does not exist, listing the valid ones", () => {
    const p = withProfile(idealProfile(), { "layers.analog": ["init_conv", "down3.block"] });
    try {
      checkProfileLayers(p, ["init_conv", "down1.block", "down2.block"], "p.json");
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const v = e as ValidationError;
      expect(v.field).toBe("p.json:layers.analog[1]");
      expect(v.message).toContain("down2.block");
      expect(v.valid).toContain("down1.block");
    }
    expect(() => checkProfileLayers(p, ["init_conv", "down3.block"])).not.toThrow();
  });

  it("every example profile in models/hardware validates", () => {
    const dir = "models/hardware";
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    let profiles = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      // The folder also holds the committed sweep specs (docs/hardware.md).
      if (JSON.parse(text).format === "cellspice-sweep") {
        expect(JSON.parse(text).kind, f).toBe("hardware-sample");
        continue;
      }
      expect(parseHardwareProfile(text, f).name, f).not.toBe("unnamed");
      profiles++;
    }
    expect(profiles).toBeGreaterThanOrEqual(3);
  });
});
