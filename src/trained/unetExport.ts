import type { Boundary } from "../cells/boundary.js";
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
    solver: { method: "euler" | "rk4"; steps: number };
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

/** Checks the parts of a manifest that cellspice uses. */
export function validateUnetManifest(m: unknown, source = "manifest.json"): UnetManifest {
  const fail = (field: string, problem: string, valid: string): never => {
    throw new ValidationError(`${source}:${field}`, problem, valid);
  };
  const doc = m as Partial<UnetManifest>;
  if (doc?.format !== UNET_FORMAT)
    fail("format", `got ${JSON.stringify(doc?.format)}`, JSON.stringify(UNET_FORMAT));
  if (doc.format_version !== 1)
    fail("format_version", `got ${JSON.stringify(doc.format_version)}`, "1");
  if (!Array.isArray(doc.cell_layers)) fail("cell_layers", "missing", "a list of cellular layers");
  doc.cell_layers?.forEach((l, i) => {
    const at = `cell_layers[${i}]`;
    if (typeof l.name !== "string") fail(`${at}.name`, "missing", "the layer's name in the UNet");
    if (!(Number.isInteger(l.c_in) && l.c_in > 0 && Number.isInteger(l.c_out) && l.c_out > 0))
      fail(`${at}.c_in/c_out`, "not positive integers", "channel counts");
    if (!["euler", "rk4"].includes(l.cell?.solver?.method))
      fail(
        `${at}.cell.solver.method`,
        `got ${JSON.stringify(l.cell?.solver?.method)}`,
        '"euler" or "rk4"',
      );
    if (!["fixed", "zero-flux", "periodic"].includes(l.cell?.boundary))
      fail(
        `${at}.cell.boundary`,
        `got ${JSON.stringify(l.cell?.boundary)}`,
        '"fixed", "zero-flux" or "periodic"',
      );
    if (l.cell?.output?.function !== "leaky")
      fail(
        `${at}.cell.output.function`,
        `got ${JSON.stringify(l.cell?.output?.function)}`,
        '"leaky"',
      );
  });
  return doc as UnetManifest;
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
      model: createMemristor(m.model, overrides),
      w0: new Float64Array(n).fill(m.w0),
      voltage: m.sense,
    };
  }
  return {
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
}
