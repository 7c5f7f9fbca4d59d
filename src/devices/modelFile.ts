/**
 * Memristor parameter files (models/*.json):
 *   { "model": "<registry name>", "params": { "<symbol>": <SI number>, ... }, "source": "..." }
 * `params` may omit parameters (defaults apply); unknown keys are refused. Validated on load.
 */
import { readFileSync } from "node:fs";
import { ValidationError } from "../core/errors.js";
import { resolveParams } from "../core/params.js";
import { memristorEntry } from "./registry.js";
import type { MemristorModel } from "./types.js";

export interface MemristorFile {
  readonly model: string;
  readonly params: Readonly<Record<string, number>>;
  readonly source?: string;
  readonly description?: string;
}

const KEYS = ["model", "params", "source", "description"];
const SHAPE =
  '{"model": string, "params": {name: number}, "source"?: string, "description"?: string}';

/** Parses and validates the text of a parameter file; `file` names it in errors. */
export function parseMemristorFile(text: string, file: string): MemristorFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(file, `malformed JSON (${(e as Error).message})`, SHAPE, { file });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ValidationError(file, "not a JSON object", SHAPE, { file });
  }
  const obj = data as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KEYS.includes(key)) {
      throw new ValidationError(`${file}:${key}`, "unknown key", `one of ${KEYS.join(", ")}`, {
        file,
      });
    }
  }
  if (typeof obj.model !== "string") {
    throw new ValidationError(`${file}:model`, "missing or not a string", "a model name", { file });
  }
  const entry = memristorEntry(obj.model, `${file}:model`);
  for (const key of ["source", "description"]) {
    if (obj[key] !== undefined && typeof obj[key] !== "string") {
      throw new ValidationError(`${file}:${key}`, "not a string", "a string", { file });
    }
  }
  const raw = obj.params;
  if (raw === undefined || raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ValidationError(`${file}:params`, "missing or not an object", SHAPE, { file });
  }
  resolveParams(entry.params, raw as Record<string, unknown>, `${file}:params`);
  return {
    model: obj.model,
    params: raw as Record<string, number>,
    source: obj.source as string | undefined,
    description: obj.description as string | undefined,
  };
}

/** Reads, validates and instantiates a parameter file. */
export function loadMemristorFile(path: string): MemristorModel {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ValidationError(
      path,
      `cannot read file (${(e as Error).message})`,
      "a readable JSON file",
      {
        file: path,
      },
    );
  }
  const spec = parseMemristorFile(text, path);
  return memristorEntry(spec.model).create(spec.params);
}
