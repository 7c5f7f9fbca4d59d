/**
 * Malformed inputs from a seeded generator: array files, safetensors files, export manifests
 * and ngspice raw files, each mutated at random (a bounded number per run; set
 * CELLSPICE_FUZZ_CASES for more, CELLSPICE_FUZZ_SEED for another sequence). Every case must
 * either load or fail with the format's typed error naming the file and field: never a
 * TypeError, a RangeError or an allocation failure.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArrayJson } from "../../src/cells/io.js";
import { randomStream } from "../../src/core/counterRandom.js";
import { ValidationError } from "../../src/core/errors.js";
import { RawFileError } from "../../src/spice/errors.js";
import { parseRaw } from "../../src/spice/raw.js";
import { loadExport } from "../../src/trained/exportDir.js";
import { parseSafetensors } from "../../src/trained/safetensors.js";
import { layerArray, validateUnetManifest } from "../../src/trained/unetExport.js";
import { EDGE_ARRAY } from "./harness.js";

const CASES = Number(process.env.CELLSPICE_FUZZ_CASES ?? 150);
const SEED = process.env.CELLSPICE_FUZZ_SEED ?? "reliability";

/** A deterministic source of choices: draw k of the stream, in order. */
function chooser(label: string) {
  const stream = randomStream(SEED, label);
  let k = 0;
  const next = () => stream.uniform(k++);
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)],
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `doc` (object keys and array indices). */
function paths(doc: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (doc === null || typeof doc !== "object") return [prefix];
  const keys = Array.isArray(doc) ? doc.map((_, k) => k) : Object.keys(doc);
  return [prefix, ...keys.flatMap((k) => paths((doc as Record<string, Json>)[k], [...prefix, k]))];
}

/** 1e400 is not a JS number: it is written into the JSON text in place of this marker. */
const OVERFLOW = "__overflow__";
const REPLACEMENTS: Json[] = [
  null,
  "text",
  true,
  {},
  [],
  -1,
  0,
  0.5,
  1e9,
  OVERFLOW,
  [[1, 2]],
  -1e7,
];

/** One random mutation of `doc`: replace, delete, mistype a key, or add an unknown key. */
function mutate(doc: Json, c: ReturnType<typeof chooser>): { doc: Json; typo?: [string, string] } {
  const copy = structuredClone(doc);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = c.pick(all);
  const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string, Json>)[k], copy) as
    | Json[]
    | Record<string, Json>;
  const key = path[path.length - 1];
  const op = c.int(4);
  if (op === 0 || Array.isArray(parent)) {
    (parent as Record<string | number, Json>)[key] = c.pick(REPLACEMENTS);
  } else if (op === 1) {
    delete parent[key as string];
  } else if (op === 2 && typeof key === "string" && key.length >= 3) {
    // Swap two neighbouring letters: a typo that must be refused with a did-you-mean.
    const i = c.int(key.length - 1);
    const typo = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
    if (typo !== key) {
      parent[typo] = parent[key];
      delete parent[key];
      return { doc: copy, typo: [typo, key] };
    }
  } else {
    parent[`unknown${c.int(100)}`] = 1;
  }
  return { doc: copy };
}

function text(doc: Json): string {
  return JSON.stringify(doc).replaceAll(`"${OVERFLOW}"`, "1e400");
}

/** Runs `f`; returns the error it threw (or undefined), failing on any untyped error. */
function outcome<E extends Error>(f: () => unknown, type: new (...a: never[]) => E): E | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof type)) throw new Error(`untyped failure: ${(e as Error)?.stack ?? e}`);
    return e;
  }
}

describe(`malformed inputs (${CASES} cases each, seed ${JSON.stringify(SEED)})`, () => {
  it("array files: load, or a ValidationError naming a field; a mistyped key suggests the real one", () => {
    const c = chooser("array");
    const base = { ...EDGE_ARRAY, memristor: { model: "strachan-taox-smooth", w0: 0.2 } } as Json;
    let refused = 0;
    for (let n = 0; n < CASES; n++) {
      const { doc, typo } = mutate(base, c);
      const e = outcome(() => parseArrayJson(text(doc), "case.json"), ValidationError);
      if (e) {
        refused++;
        expect(e.field.length).toBeGreaterThan(0);
        expect(e.message.startsWith(`${e.field}: `)).toBe(true);
      }
      // A key of an object that is read (not inside templates' number arrays) must be refused.
      if (typo) {
        expect(e, `typo ${typo[0]} accepted`).toBeDefined();
        expect(e?.message).toContain(`did you mean "${typo[1]}"?`);
      }
    }
    expect(refused).toBeGreaterThan(CASES / 3);
  });

  it("array files cut at random bytes: a ValidationError naming the file", () => {
    const c = chooser("array-cut");
    const full = text(EDGE_ARRAY as Json);
    for (let n = 0; n < CASES; n++) {
      const e = outcome(
        () => parseArrayJson(full.slice(0, c.int(full.length)), "cut.json"),
        ValidationError,
      );
      expect(e).toBeDefined();
    }
  });

  it("safetensors headers and bytes: load, or a ValidationError naming the file", () => {
    const c = chooser("safetensors");
    const header: Json = {
      __metadata__: { format: "pt" },
      "a.weight": { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] },
      b: { dtype: "F64", shape: [1], data_offsets: [16, 24] },
    };
    const file = (h: Json, data = new Uint8Array(24)) => {
      const json = new TextEncoder().encode(text(h));
      const out = new Uint8Array(8 + json.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(data, 8 + json.length);
      return out;
    };
    expect(parseSafetensors(file(header), "ok.safetensors").tensors.size).toBe(2);
    for (const special of [
      null,
      { x: null },
      { x: { dtype: "F32", shape: [1], data_offsets: ["0", "4"] } },
    ]) {
      const e = outcome(() => parseSafetensors(file(special), "bad.safetensors"), ValidationError);
      expect(e?.field).toBe("bad.safetensors");
    }
    for (let n = 0; n < CASES; n++) {
      const bytes =
        n % 3 === 2
          ? file(header).slice(0, c.int(8 + 120))
          : n % 3 === 1
            ? (() => {
                const b = file(header);
                b[c.int(b.length)] = c.int(256);
                return b;
              })()
            : file(mutate(header, c).doc);
      const e = outcome(() => parseSafetensors(bytes, "case.safetensors"), ValidationError);
      if (e) expect(e.field).toBe("case.safetensors");
    }
  });

  it("export manifests: `cell_layers: [null]` and random mutations → a ValidationError naming manifest.json and the field", () => {
    const dir = join("test", "fixtures", "models", "mcellnn-mnist");
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Json;
    const special = { ...(manifest as Record<string, Json>), cell_layers: [null] };
    expect(outcome(() => validateUnetManifest(special), ValidationError)?.field).toBe(
      "manifest.json:cell_layers[0]",
    );
    const c = chooser("manifest");
    const layers = { cell_layers: (manifest as Record<string, Json[]>).cell_layers.slice(0, 1) };
    for (let n = 0; n < CASES; n++) {
      const { doc } = mutate(layers as Json, c);
      const e = outcome(
        () => validateUnetManifest({ ...(manifest as object), ...(doc as object) }),
        ValidationError,
      );
      if (e) expect(e.field).toMatch(/^manifest\.json:/);
    }
  });

  it("layerArray(…) refuses what the array file format refuses, naming the manifest or tensor field", () => {
    const exp = loadExport(join("test", "fixtures", "models", "mcellnn-mnist"), { golden: false });
    const spec = exp.manifest.cell_layers[0];
    const input = { data: new Float64Array(spec.c_in * 3 * 3), rows: 3, cols: 3 };
    const withMemristor = (patch: Record<string, unknown>) => ({
      ...exp.manifest,
      cell_layers: [
        { ...spec, cell: { ...spec.cell, memristor: { ...spec.cell.memristor!, ...patch } } },
      ],
    });
    const at = "cell_layers[0].cell.memristor";
    for (const [patch, field] of [
      [{ scales: { ...spec.cell.memristor!.scales, tau: -1 } }, `${at}.scales.tau`],
      [{ scales: { ...spec.cell.memristor!.scales, V_s: "big" } }, `${at}.scales.V_s`],
      [{ scales: { ...spec.cell.memristor!.scales, R: 0 } }, `${at}.scales.R`],
      [{ w0: 7 }, `${at}.w0`],
      [{ sense: "q" }, `${at}.sense`],
    ] as const) {
      const e = outcome(
        () => layerArray(withMemristor(patch), exp.tensors, spec.name, input),
        ValidationError,
      );
      expect(e?.field, JSON.stringify(patch)).toBe(field);
    }
    const tensors = new Map(exp.tensors);
    const A = tensors.get(spec.templates.A)!;
    tensors.set(spec.templates.A, { ...A, data: A.data.map((v, k) => (k === 4 ? Number.NaN : v)) });
    const e = outcome(() => layerArray(exp.manifest, tensors, spec.name, input), ValidationError);
    expect(e?.field).toMatch(new RegExp(`^tensors\\.${spec.templates.A.replace(".", "\\.")}\\[`));
  });

  it("raw files: parse, or a RawFileError; duplicate variable names are refused", () => {
    const rawFile = (vars: string[], points: number) => {
      const head = [
        "Title: t",
        "Date: d",
        "Plotname: Transient Analysis",
        "Flags: real",
        `No. Variables: ${vars.length}`,
        `No. Points: ${points}`,
        "Variables:",
        ...vars.map((v, k) => `\t${k}\t${v}\t${k === 0 ? "time" : "voltage"}`),
        "Binary:",
        "",
      ].join("\n");
      const data = new Float64Array(points * vars.length).map((_, k) => k * 0.25);
      const bytes = new Uint8Array(head.length + data.byteLength);
      bytes.set(new TextEncoder().encode(head));
      bytes.set(new Uint8Array(data.buffer), head.length);
      return bytes;
    };
    const good = rawFile(["time", "v(a)", "v(b)"], 4);
    expect(parseRaw(good).plots[0].points).toBe(4);
    expect(
      outcome(() => parseRaw(rawFile(["time", "v(a)", "V(A)"], 4)), RawFileError)?.message,
    ).toMatch(/has the name of variable 1/);
    const c = chooser("raw");
    for (let n = 0; n < CASES; n++) {
      const b = good.slice(0, n % 2 ? good.length : c.int(good.length));
      if (n % 2) b[c.int(b.length)] = c.int(256);
      outcome(() => parseRaw(b, "case.raw"), RawFileError);
    }
  });
});
