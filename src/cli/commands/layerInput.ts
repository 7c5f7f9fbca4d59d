import { readFileSync } from "node:fs";
import type { CellArray } from "../../cells/spec.js";
import { ValidationError } from "../../core/errors.js";
import { loadExport, type TrainedExport } from "../../trained/exportDir.js";
import { parseSafetensors, type Tensor } from "../../trained/safetensors.js";
import { layerArray } from "../../trained/unetExport.js";
import { FileError } from "../exitCodes.js";

/**
 * The layers of a model directory that `export` and `cosim MODEL_DIR` act on, each as an array
 * on its input: the layer's golden input (golden.safetensors, first batch element), or a tensor
 * file the user gives (safetensors holding `layers.<name>.input`, or `input`, or one tensor;
 * shape C_in×H×W or 1×C_in×H×W, H×W the layer's).
 */
export function selectLayers(exp: TrainedExport, layer: string): string[] {
  const names = exp.manifest.cell_layers.map((l) => l.name);
  if (layer === "all") return names;
  if (!names.includes(layer)) {
    throw new ValidationError(
      "--layer",
      `no cellular layer ${JSON.stringify(layer)} in ${exp.dir}`,
      [...names, "all"].join(", "),
    );
  }
  return [layer];
}

export function readModel(dir: string): TrainedExport {
  return loadExport(dir);
}

export function layerOnInput(exp: TrainedExport, layer: string, input: string): CellArray {
  const spec = exp.manifest.cell_layers.find((l) => l.name === layer);
  if (!spec) throw new ValidationError("--layer", JSON.stringify(layer), "a layer of the model");
  const golden = `layers.${layer}.input`;
  let tensor: Tensor | undefined;
  let source: string;
  if (input === "golden") {
    source = `${exp.dir}/golden.safetensors`;
    tensor = exp.golden?.get(golden);
    if (!tensor)
      throw new ValidationError(
        "--input",
        `the model has no golden input for ${layer} (${golden})`,
        "a safetensors file with the layer's input (--input FILE)",
      );
  } else {
    source = input;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(input);
    } catch (e) {
      throw new FileError(input, "read", (e as NodeJS.ErrnoException).code ?? String(e));
    }
    const { tensors } = parseSafetensors(bytes, input);
    tensor =
      tensors.get(golden) ??
      tensors.get("input") ??
      (tensors.size === 1 ? [...tensors.values()][0] : undefined);
    if (!tensor)
      throw new ValidationError(
        `${input}`,
        `holds ${tensors.size} tensors (${[...tensors.keys()].slice(0, 5).join(", ")}) and none is the input`,
        `a tensor named "${golden}" or "input", or a file with one tensor`,
      );
  }
  const rows = spec.height ?? tensor.shape[tensor.shape.length - 2];
  const cols = spec.width ?? tensor.shape[tensor.shape.length - 1];
  const shape = tensor.shape;
  const ok =
    (shape.length === 3 || (shape.length === 4 && (input === "golden" || shape[0] === 1))) &&
    shape[shape.length - 3] === spec.c_in &&
    shape[shape.length - 2] === rows &&
    shape[shape.length - 1] === cols;
  if (!ok) {
    throw new ValidationError(
      `${source}:input`,
      `has shape [${shape}]`,
      `[${spec.c_in}, ${rows}, ${cols}] or [1, ${spec.c_in}, ${rows}, ${cols}] (C_in×H×W of ${layer})`,
    );
  }
  const data = tensor.data.subarray(0, spec.c_in * rows * cols);
  return layerArray(exp.manifest, exp.tensors, layer, { data, rows, cols });
}
