import { ValidationError } from "../core/errors.js";
import { formatValue } from "../core/params.js";
import { didYouMean as closestName } from "../core/unknownFields.js";
import { MEMRISTOR_MODELS } from "../devices/registry.js";
import { PROFILE_FIELDS, PROFILE_SECTIONS, type ProfileField } from "./profileFields.js";

export const HARDWARE_FORMAT = "cellspice-hardware";
export const HARDWARE_VERSION = 1;

/**
 * A validated hardware profile (docs/hardware.md): every field present, defaults filled in from
 * profileFields.ts. `null` means off (or "as trained") where the declaration says so.
 */
export interface HardwareProfile {
  readonly name: string;
  readonly scales: { tau: number; V_s: number; R: number; memristive: "trained" | "profile" };
  readonly layers: { analog: "cellular" | readonly string[]; digital: "cell" | "trained" };
  readonly output: { function: "trained" | "standard"; saturation: number };
  readonly quantisation: {
    bits: number | null;
    range: "per-template" | "per-layer" | "per-kernel";
    rounding: "nearest" | "truncate" | "stochastic";
    full_scale: number | null;
  };
  readonly mismatch: { sigma: number };
  readonly offset: { sigma: number };
  readonly memristor: { sigma: Readonly<Record<string, number>>; w0_sigma: number };
  readonly settling: { T_hw: number | null };
  readonly dac: { bits: number | null; full_scale: number };
  readonly adc: { bits: number | null; full_scale: number };
  readonly stuck: { fraction: number; output: number };
  readonly thermal: { temperature: number | null; dt: number; seed: number };
  readonly energy: {
    supply: number;
    transconductor_bias: number;
    dac_energy: number;
    adc_energy: number;
    capacitor_density: number;
    transconductor_area: number;
    memristor_area: number;
  };
}

const TOP_LEVEL = [
  "format",
  "version",
  "name",
  "description",
  ...PROFILE_SECTIONS.map((s) => s[0]),
];

/** Every memristor parameter name of every registered model (what memristor.sigma may name). */
const MEMRISTOR_PARAM_NAMES = [
  ...new Set(MEMRISTOR_MODELS.flatMap((m) => m.params.map((p) => p.name))),
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function unknownField(field: string, name: string, known: readonly string[]): never {
  const near = closestName(name, known);
  throw new ValidationError(
    field,
    near ? `unknown field (did you mean ${near}?)` : "unknown field",
    `one of ${known.join(", ")}`,
  );
}

function describeNumber(f: Extract<ProfileField, { kind: "number" }>): string {
  const lo = f.minExclusive ? "(" : "[";
  const hi = f.maxExclusive ? ")" : "]";
  const what = f.integer ? "an integer" : "a finite number";
  const unit = f.unit === "" ? "" : ` ${f.unit}`;
  const off = f.nullMeans ? `, or null for ${f.nullMeans}` : "";
  return `${what} in ${lo}${formatValue(f.min)}, ${formatValue(f.max)}${hi}${unit}${off}`;
}

function given(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null) return "null";
  return Array.isArray(v) ? "an array" : `a value of type ${typeof v}`;
}

function readField(f: ProfileField, value: unknown, field: string): unknown {
  switch (f.kind) {
    case "number": {
      if (value === undefined) return f.default;
      if (value === null && f.nullMeans) return null;
      const ok =
        typeof value === "number" &&
        Number.isFinite(value) &&
        (f.minExclusive ? value > f.min : value >= f.min) &&
        (f.maxExclusive ? value < f.max : value <= f.max) &&
        (!f.integer || Number.isInteger(value));
      if (!ok) throw new ValidationError(field, `got ${given(value)}`, describeNumber(f));
      return value;
    }
    case "choice": {
      if (value === undefined) return f.default;
      if (typeof value !== "string" || !f.choices.includes(value))
        throw new ValidationError(
          field,
          `got ${given(value)}`,
          `one of ${f.choices.map((c) => JSON.stringify(c)).join(", ")}`,
        );
      return value;
    }
    case "layers": {
      if (value === undefined || value === "cellular") return "cellular";
      const valid = '"cellular" or a list of distinct cellular layer names';
      if (!Array.isArray(value)) throw new ValidationError(field, `got ${given(value)}`, valid);
      value.forEach((n, i) => {
        if (typeof n !== "string" || n === "")
          throw new ValidationError(`${field}[${i}]`, `got ${given(n)}`, "a layer name");
        if (value.indexOf(n) !== i)
          throw new ValidationError(`${field}[${i}]`, `${JSON.stringify(n)} is repeated`, valid);
      });
      return [...value];
    }
    case "sigma-map": {
      if (value === undefined) return {};
      if (!isObject(value))
        throw new ValidationError(field, `got ${given(value)}`, "an object {parameter: sigma}");
      const out: Record<string, number> = {};
      for (const [name, s] of Object.entries(value)) {
        if (!MEMRISTOR_PARAM_NAMES.includes(name))
          unknownField(`${field}.${name}`, name, MEMRISTOR_PARAM_NAMES);
        if (!(typeof s === "number" && Number.isFinite(s) && s >= 0 && s <= f.max))
          throw new ValidationError(
            `${field}.${name}`,
            `got ${given(s)}`,
            `a finite number in [0, ${f.max}]`,
          );
        out[name] = s;
      }
      return out;
    }
  }
}

/**
 * Checks a profile document (parsed JSON) against the declaration and fills in the defaults.
 * Unknown fields are refused with a did-you-mean; `source` prefixes every field in errors.
 * Layer names are checked against a model by `checkProfileLayers`.
 */
export function validateHardwareProfile(doc: unknown, source = "profile"): HardwareProfile {
  const at = (field: string) => (source ? `${source}:${field}` : field);
  if (!isObject(doc))
    throw new ValidationError(at("(document)"), `got ${given(doc)}`, "a JSON object");
  for (const key of Object.keys(doc))
    if (!TOP_LEVEL.includes(key)) unknownField(at(key), key, TOP_LEVEL);
  if (doc.format !== HARDWARE_FORMAT)
    throw new ValidationError(
      at("format"),
      `got ${given(doc.format)}`,
      JSON.stringify(HARDWARE_FORMAT),
    );
  if (doc.version !== HARDWARE_VERSION)
    throw new ValidationError(at("version"), `got ${given(doc.version)}`, String(HARDWARE_VERSION));
  if (doc.name !== undefined && typeof doc.name !== "string")
    throw new ValidationError(at("name"), `got ${given(doc.name)}`, "a string");
  if (doc.description !== undefined && typeof doc.description !== "string")
    throw new ValidationError(at("description"), `got ${given(doc.description)}`, "a string");
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section] of PROFILE_SECTIONS) {
    const fields = PROFILE_FIELDS.filter((f) => f.path.startsWith(`${section}.`));
    const keys = fields.map((f) => f.path.slice(section.length + 1));
    const given_ = doc[section];
    if (given_ !== undefined && !isObject(given_))
      throw new ValidationError(
        at(section),
        `got ${given(given_)}`,
        `an object with ${keys.join(", ")}`,
      );
    const body = (given_ ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(body))
      if (!keys.includes(key)) unknownField(at(`${section}.${key}`), key, keys);
    out[section] = {};
    fields.forEach((f, k) => {
      out[section][keys[k]] = readField(f, body[keys[k]], at(f.path));
    });
  }
  return {
    name: typeof doc.name === "string" ? doc.name : "unnamed",
    ...out,
  } as unknown as HardwareProfile;
}

/** Parses and validates a profile from its JSON text. */
export function parseHardwareProfile(text: string, source = "profile"): HardwareProfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(
      source,
      `is not JSON (${(e as Error).message})`,
      "a JSON hardware profile",
    );
  }
  return validateHardwareProfile(doc, source);
}

/** The all-off profile: every field at its default (the ideal circuit). */
export function idealProfile(): HardwareProfile {
  return validateHardwareProfile(
    { format: HARDWARE_FORMAT, version: HARDWARE_VERSION, name: "ideal" },
    "",
  );
}

/** A profile with some fields changed, e.g. `withProfile(p, {"mismatch.sigma": 0.01})`, validated. */
export function withProfile(
  profile: HardwareProfile,
  changes: Readonly<Record<string, unknown>>,
  source = "profile",
): HardwareProfile {
  const doc = profileDocument(profile);
  for (const [path, value] of Object.entries(changes)) {
    const [section, ...rest] = path.split(".");
    const key = rest.join(".");
    if (!key || !PROFILE_SECTIONS.some((s) => s[0] === section))
      unknownField(
        path,
        path,
        PROFILE_FIELDS.map((f) => f.path),
      );
    (doc[section] as Record<string, unknown>)[key] = value;
  }
  return validateHardwareProfile(doc, source);
}

/** The profile as a JSON document (what a profile file holds; round-trips through validation). */
export function profileDocument(profile: HardwareProfile): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    format: HARDWARE_FORMAT,
    version: HARDWARE_VERSION,
    name: profile.name,
  };
  const p = profile as unknown as Record<string, Record<string, unknown>>;
  for (const [section] of PROFILE_SECTIONS) doc[section] = structuredClone(p[section]);
  return doc;
}

/** The value of a declared field, e.g. `profileValue(p, "mismatch.sigma")`. */
export function profileValue(profile: HardwareProfile, path: string): unknown {
  const [section, key] = path.split(".");
  return (profile as unknown as Record<string, Record<string, unknown>>)[section]?.[key];
}

/**
 * Checks the analog layer list against the model's cellular layers; ValidationError naming
 * `layers.analog[i]` and the valid names.
 */
export function checkProfileLayers(
  profile: HardwareProfile,
  layerNames: readonly string[],
  source = "profile",
): void {
  const list = profile.layers.analog;
  if (list === "cellular") return;
  list.forEach((n, i) => {
    if (!layerNames.includes(n)) {
      const near = closestName(n, layerNames);
      throw new ValidationError(
        `${source ? `${source}:` : ""}layers.analog[${i}]`,
        `no cellular layer ${JSON.stringify(n)}${near ? ` (did you mean ${near}?)` : ""}`,
        `"cellular" or names among ${layerNames.join(", ")}`,
      );
    }
  });
}

/** Whether a layer is computed on the circuit under this profile. */
export function isAnalogLayer(profile: HardwareProfile, name: string): boolean {
  const list = profile.layers.analog;
  return list === "cellular" || list.includes(name);
}

/**
 * Whether the profile changes nothing that the ideal cell computes: every non-ideality off, the
 * trained output stage. Scales and energy assumptions do not enter a CellNN's normalised
 * equations, so they do not count (for M-CellNN layers, scales count when `memristive` is
 * "profile").
 */
export function isIdealProfile(profile: HardwareProfile): boolean {
  return (
    profile.output.function === "trained" &&
    profile.output.saturation === 1 &&
    profile.quantisation.bits === null &&
    profile.mismatch.sigma === 0 &&
    profile.offset.sigma === 0 &&
    Object.values(profile.memristor.sigma).every((s) => s === 0) &&
    profile.memristor.w0_sigma === 0 &&
    profile.settling.T_hw === null &&
    profile.dac.bits === null &&
    profile.adc.bits === null &&
    profile.stuck.fraction === 0 &&
    profile.thermal.temperature === null &&
    profile.scales.memristive === "trained"
  );
}
