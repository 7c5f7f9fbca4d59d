import type { Boundary } from "../cells/boundary.js";
import { type SizeLimits, validateArray } from "../cells/limits.js";
import type { CellArray, MemristorCoupling } from "../cells/spec.js";
import { DEFAULT_SCALES } from "../cells/spec.js";
import { ValidationError } from "../core/errors.js";
import { createMemristor } from "../devices/registry.js";
import type { Tensor } from "./safetensors.js";

/**
 * A trained diffusion UNet exported by training/ (docs/export-format.md): the manifest, its
 * tensors, and each cellular layer as a cellspice array. The toolkit reads this; it never runs
 * Python.
 */
export interface CellLayerSpec {
  name: string;
  c_in: number;
  c_out: number;
  height?: number;
  width?: number;
  templates: { A: string; B: string; z: string };
  cell: {
    output: { function: string; alpha: number };
    T: number;
    solver: { method: "euler" | "rk4" | "rk4-wclamp"; steps: number };
    boundary: "fixed" | "zero-flux" | "periodic";
    x0: "zero";
    memristor?: {
      model: string;
      params: Record<string, number>;
      kernels: Record<string, number>;
      scales: { tau: number; V_s: number; R: number };
      w0: number;
      sense: "x" | "y";
      enabled?: boolean;
    } | null;
  };
}

export interface UnetManifest {
  format: string;
  format_version: number;
  architecture: {
    backbone: "conv" | "cellnn" | "mcellnn";
    n_feat: number;
    in_channels: number;
    image_size: number;
    n_classes: number;
  };
  cell_layers: CellLayerSpec[];
  tensors_file: string;
  golden?: { file: string };
}

export const UNET_FORMAT = "cellspice-unet";

/**
 * Checks the parts of a manifest that cellspice uses; every error is a ValidationError whose
 * field names the file and the JSON path (`manifest.json:cell_layers[2].cell.T`).
 */
export function validateUnetManifest(m: unknown, source = "manifest.json"): UnetManifest {
  const fail = (field: string, problem: string, valid: string): never => {
    throw new ValidationError(`${source}:${field}`, problem, valid);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const got = (v: unknown) => `got ${v === undefined ? "nothing" : JSON.stringify(v)}`;
  if (!isObject(m)) return fail("(root)", got(m), "a JSON object (docs/export-format.md)");
  const doc = m as Partial<UnetManifest>;
  if (doc.format !== UNET_FORMAT) fail("format", got(doc.format), JSON.stringify(UNET_FORMAT));
  if (doc.format_version !== 1) fail("format_version", got(doc.format_version), "1");
  if (!Array.isArray(doc.cell_layers)) fail("cell_layers", "missing", "a list of cellular layers");
  for (const [i, entry] of (doc.cell_layers as unknown[]).entries()) {
    const at = `cell_layers[${i}]`;
    if (!isObject(entry)) fail(at, got(entry), "an object describing a cellular layer");
    const l = entry as Partial<CellLayerSpec> & Record<string, unknown>;
    if (typeof l.name !== "string") fail(`${at}.name`, got(l.name), "the layer's name in the UNet");
    for (const key of ["c_in", "c_out"] as const) {
      if (!(Number.isInteger(l[key]) && (l[key] as number) > 0))
        fail(`${at}.${key}`, got(l[key]), "a positive integer (channels)");
    }
    if (!isObject(l.templates))
      fail(`${at}.templates`, got(l.templates), '{"A", "B", "z"} tensor names');
    for (const key of ["A", "B", "z"] as const) {
      const t = (l.templates as Record<string, unknown>)[key];
      if (typeof t !== "string") fail(`${at}.templates.${key}`, got(t), "a tensor name");
    }
    if (!isObject(l.cell)) fail(`${at}.cell`, got(l.cell), "the layer's cell settings");
    const c = l.cell as Partial<CellLayerSpec["cell"]> & Record<string, unknown>;
    if (!(typeof c.T === "number" && Number.isFinite(c.T) && c.T > 0))
      fail(`${at}.cell.T`, got(c.T), "a positive finite transient length (τ)");
    if (!isObject(c.solver)) fail(`${at}.cell.solver`, got(c.solver), '{"method", "steps"}');
    const solver = c.solver as Record<string, unknown>;
    if (!["euler", "rk4", "rk4-wclamp"].includes(solver.method as string))
      fail(`${at}.cell.solver.method`, got(solver.method), '"euler", "rk4" or "rk4-wclamp"');
    if (!(Number.isInteger(solver.steps) && (solver.steps as number) > 0))
      fail(`${at}.cell.solver.steps`, got(solver.steps), "a positive integer");
    if (!["fixed", "zero-flux", "periodic"].includes(c.boundary as string))
      fail(`${at}.cell.boundary`, got(c.boundary), '"fixed", "zero-flux" or "periodic"');
    if (!isObject(c.output) || c.output.function !== "leaky")
      fail(
        `${at}.cell.output.function`,
        got((c.output as Record<string, unknown>)?.function),
        '"leaky"',
      );
    const alpha = (c.output as Record<string, unknown>).alpha;
    if (!(typeof alpha === "number" && alpha >= 0 && alpha < 1))
      fail(`${at}.cell.output.alpha`, got(alpha), "a number in [0, 1)");
    if (c.memristor !== undefined && c.memristor !== null) {
      checkMemristor(c.memristor, `${at}.cell.memristor`, fail);
    }
  }
  return doc as UnetManifest;
}

/** The types of a layer's memristor entry; ranges are checked by validateArray in layerArray. */
function checkMemristor(
  value: unknown,
  at: string,
  fail: (field: string, problem: string, valid: string) => never,
): void {
  const got = (v: unknown) => `got ${v === undefined ? "nothing" : JSON.stringify(v)}`;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(at, got(value), "null or a memristor object");
  const m = value as Record<string, unknown>;
  if (typeof m.model !== "string") fail(`${at}.model`, got(m.model), "a memristor model name");
  for (const key of ["params", "kernels"]) {
    const v = m[key];
    if (key === "kernels" && v === undefined) continue;
    if (typeof v !== "object" || v === null || Array.isArray(v))
      fail(`${at}.${key}`, got(v), "an object of numbers");
    for (const [name, x] of Object.entries(v as object)) {
      if (typeof x !== "number" || !Number.isFinite(x))
        fail(`${at}.${key}.${name}`, got(x), "a finite number (SI units)");
    }
  }
  const scales = m.scales as Record<string, unknown> | undefined;
  if (typeof scales !== "object" || scales === null)
    fail(`${at}.scales`, got(scales), '{"tau", "V_s", "R"}');
  for (const key of ["tau", "V_s", "R"]) {
    const x = (scales as Record<string, unknown>)[key];
    if (!(typeof x === "number" && Number.isFinite(x) && x > 0))
      fail(`${at}.scales.${key}`, got(x), "a positive finite number (SI units)");
  }
  if (!(typeof m.w0 === "number" && Number.isFinite(m.w0)))
    fail(`${at}.w0`, got(m.w0), "a memristor state in [0, 1]");
  if (m.sense !== "x" && m.sense !== "y") fail(`${at}.sense`, got(m.sense), '"x" or "y"');
  if (m.enabled !== undefined && typeof m.enabled !== "boolean")
    fail(`${at}.enabled`, got(m.enabled), "true or false");
}

/**
 * The cellspice array of one cellular layer acting on one input (C_in×H×W, e.g. a golden layer
 * input for one batch element). Boundary "fixed" means zero padding of y and u, as in the
 * trained layer's conv2d.
 */
export function layerArray(
  manifest: UnetManifest,
  tensors: Map<string, Tensor>,
  layerName: string,
  input: { data: Float64Array; rows: number; cols: number },
  limits?: SizeLimits,
): CellArray {
  const layer = manifest.cell_layers.find((l) => l.name === layerName);
  if (!layer) {
    throw new ValidationError(
      "layer",
      `no cellular layer ${JSON.stringify(layerName)}`,
      manifest.cell_layers.map((l) => l.name).join(", "),
    );
  }
  const tensor = (name: string, shape: number[]) => {
    const t = tensors.get(name);
    if (!t)
      throw new ValidationError(
        `tensors.${name}`,
        "missing from the tensors file",
        `a tensor of shape [${shape}]`,
      );
    if (t.shape.join() !== shape.join())
      throw new ValidationError(`tensors.${name}`, `has shape [${t.shape}]`, `[${shape}]`);
    return t.data;
  };
  const { c_in, c_out } = layer;
  const index = manifest.cell_layers.indexOf(layer);
  const A = tensor(layer.templates.A, [c_out, c_out, 3, 3]);
  const B = tensor(layer.templates.B, [c_out, c_in, 3, 3]);
  const z = tensor(layer.templates.z, [c_out]);
  const { rows, cols } = input;
  if (input.data.length !== c_in * rows * cols) {
    throw new ValidationError(
      "input",
      `has ${input.data.length} values`,
      `c_in×rows×cols = ${c_in}×${rows}×${cols}`,
    );
  }
  const boundary: Boundary =
    layer.cell.boundary === "fixed" ? { kind: "fixed", y: 0, u: 0 } : { kind: layer.cell.boundary };
  const n = c_out * rows * cols;
  const m = layer.cell.memristor;
  let memristor: MemristorCoupling | undefined;
  let scales = DEFAULT_SCALES;
  if (m && m.enabled !== false) {
    scales = { tau: m.scales.tau, Vs: m.scales.V_s, R: m.scales.R };
    const overrides =
      m.model === "strachan-taox-smooth-v1"
        ? { ...m.params, ...m.kernels, tau: m.scales.tau }
        : m.params;
    memristor = {
      model: renamed(index, layer, () => createMemristor(m.model, overrides)),
      w0: new Float64Array(n).fill(m.w0),
      voltage: m.sense,
    };
  }
  const array: CellArray = {
    name: layer.name,
    channels: c_out,
    inputChannels: c_in,
    rows,
    cols,
    A: { outChannels: c_out, inChannels: c_out, size: 3, data: A },
    B: { outChannels: c_out, inChannels: c_in, size: 3, data: B },
    z,
    boundary,
    output: { kind: "leaky", alpha: layer.cell.output.alpha },
    input: input.data,
    x0: new Float64Array(n),
    scales,
    memristor,
  };
  return renamed(index, layer, () => validateArray(array, limits));
}

/**
 * Runs `f` (the array file format's validator, validateArray in src/cells/limits.ts, or the
 * memristor registry's), its errors renamed to where the value came from: a template tensor or
 * the manifest entry.
 */
function renamed<T>(index: number, layer: CellLayerSpec, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const at = `cell_layers[${index}].cell.memristor`;
    const kernels = Object.keys(layer.cell.memristor?.kernels ?? {});
    const rename: [RegExp, string | ((name: string) => string)][] = [
      [/^templates\.A/, `tensors.${layer.templates.A}`],
      [/^templates\.B/, `tensors.${layer.templates.B}`],
      [/^templates\.z/, `tensors.${layer.templates.z}`],
      [/^scales\.Vs/, `${at}.scales.V_s`],
      [/^scales\.(tau|R)/, `${at}.scales.$1`],
      [/^memristor\.params\.tau$/, `${at}.scales.tau`],
      [
        /^memristor\.params\.(\w+)/,
        (name) => `${at}.${kernels.includes(name) ? "kernels" : "params"}.${name}`,
      ],
      [/^memristor\.w0(\[\d+\])?/, `${at}.w0`],
      [/^memristor\.voltage/, `${at}.sense`],
    ];
    const rule = rename.find(([re]) => re.test(e.field));
    if (!rule) throw e;
    const [re, to] = rule;
    const field =
      typeof to === "string" ? e.field.replace(re, to) : to(re.exec(e.field)?.[1] ?? "");
    const problem = e.message.slice(e.field.length + 2, e.message.length - e.valid.length - 9);
    throw new ValidationError(field, problem, e.valid, { layer: layer.name });
  }
}
