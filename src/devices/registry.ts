/**
 * The memristor models by name: `createMemristor(name, overrides)` and the parameter tables the
 * SPICE subcircuit generator emits.
 */
import { ValidationError } from "../core/errors.js";
import type { ParamTable } from "../core/params.js";
import { createStrachan, STRACHAN_NAME } from "./strachan.js";
import { STRACHAN_PARAMS, STRACHAN_SMOOTH_PARAMS } from "./strachanParams.js";
import { createStrachanSmooth, STRACHAN_SMOOTH_NAME } from "./strachanSmooth.js";
import {
  createStrachanSmoothV1,
  SMOOTH_V1_PARAMS,
  STRACHAN_SMOOTH_V1_NAME,
} from "./strachanSmoothV1.js";
import type { MemristorModel } from "./types.js";

export interface MemristorEntry {
  readonly name: string;
  readonly params: ParamTable;
  readonly description: string;
  readonly create: (overrides?: Readonly<Record<string, unknown>>) => MemristorModel;
}

export const MEMRISTOR_MODELS: readonly MemristorEntry[] = [
  {
    name: STRACHAN_NAME,
    params: STRACHAN_PARAMS,
    description: "Strachan et al. TaOx model (IEEE TED 2013), as published",
    create: createStrachan,
  },
  {
    name: STRACHAN_SMOOTH_NAME,
    params: STRACHAN_SMOOTH_PARAMS,
    description: "Strachan TaOx model with smooth kernels, log-space capped rates, bounded w",
    create: createStrachanSmooth,
  },
  {
    name: STRACHAN_SMOOTH_V1_NAME,
    params: SMOOTH_V1_PARAMS,
    description:
      "the smooth form the diffusion UNets of training/ use (clamped w, rate cap per unit of cell time)",
    create: createStrachanSmoothV1,
  },
];

/** The registered model names. */
export function memristorModelNames(): string[] {
  return MEMRISTOR_MODELS.map((m) => m.name);
}

/** The registry entry of `name`; ValidationError (field `field`) listing the names otherwise. */
export function memristorEntry(name: string, field = "memristor.model"): MemristorEntry {
  const entry = MEMRISTOR_MODELS.find((m) => m.name === name);
  if (entry === undefined) {
    throw new ValidationError(
      field,
      `unknown memristor model ${JSON.stringify(name)}`,
      `one of ${memristorModelNames().join(", ")}`,
    );
  }
  return entry;
}

/** A memristor model by registry name with validated parameter overrides (SI units). */
export function createMemristor(
  name: string,
  overrides?: Readonly<Record<string, unknown>>,
): MemristorModel {
  return memristorEntry(name).create(overrides);
}
