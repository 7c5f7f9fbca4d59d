import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../core/errors.js";
import { parseSafetensors, type Tensor } from "./safetensors.js";
import { type UnetManifest, validateUnetManifest } from "./unetExport.js";

/** A trained UNet export directory as read from disk (docs/export-format.md). */
export interface TrainedExport {
  /** The directory it was read from. */
  readonly dir: string;
  readonly manifest: UnetManifest;
  /** model.safetensors: every weight. */
  readonly tensors: Map<string, Tensor>;
  /** golden.safetensors, when the export has one. */
  readonly golden?: Map<string, Tensor>;
  /**
   * SHA-256 (hex) of the weights file's bytes: which trained model this is. Results that are
   * kept and resumed (sweep rows, Table I rows, sample summaries) carry it, so that a retrained
   * export under the same directory is not taken for the old one.
   */
  readonly weightsSha256: string;
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ValidationError(
      path,
      `cannot read the ${what} (${code})`,
      "an export directory written by `python -m training.export` (manifest.json, model.safetensors)",
    );
  }
}

function readManifest(dir: string): UnetManifest {
  const manifestPath = join(dir, "manifest.json");
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(readBytes(manifestPath, "manifest")));
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(
      manifestPath,
      `is not JSON (${(e as Error).message})`,
      "a JSON manifest",
    );
  }
  return validateUnetManifest(doc, manifestPath);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Reads and validates an export directory: manifest, weights and (if present) golden data. */
export function loadExport(dir: string, options: { golden?: boolean } = {}): TrainedExport {
  const manifest = readManifest(dir);
  const tensorsPath = join(dir, manifest.tensors_file);
  const bytes = readBytes(tensorsPath, "tensors file");
  const { tensors } = parseSafetensors(bytes, tensorsPath);
  let golden: Map<string, Tensor> | undefined;
  if (options.golden !== false && manifest.golden?.file) {
    const goldenPath = join(dir, manifest.golden.file);
    golden = parseSafetensors(readBytes(goldenPath, "golden data"), goldenPath).tensors;
  }
  return { dir, manifest, tensors, golden, weightsSha256: sha256(bytes) };
}

/**
 * The SHA-256 of an export's weights file (`TrainedExport.weightsSha256`) without parsing the
 * tensors; a missing or unreadable manifest or file is the same ValidationError as loadExport's.
 */
export function exportWeightsSha256(dir: string): string {
  const manifest = readManifest(dir);
  return sha256(readBytes(join(dir, manifest.tensors_file), "tensors file"));
}
