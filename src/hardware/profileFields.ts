/**
 * The hardware profile's parameters, each declared once (STYLE.md principle 5): path in the JSON
 * document, unit, valid range or choices, default and description. Validation (profile.ts) and
 * the table in docs/hardware.md (profileDocs.ts) both read this list; nothing else names a
 * default.
 *
 * Every non-ideality is off by default, so the default profile is the ideal circuit: the
 * circuit engine then computes exactly what the `cell` engine computes.
 */

/** A number; `null` as default means "off" (or "as trained"), as `nullMeans` says. */
export interface NumberField {
  readonly kind: "number";
  /** section.key in the profile document. */
  readonly path: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
  readonly default: number | null;
  /** What `null` (or leaving the field out) means, for fields whose default is null. */
  readonly nullMeans?: string;
  readonly description: string;
}

/** One of a few words. */
export interface ChoiceField {
  readonly kind: "choice";
  readonly path: string;
  readonly choices: readonly string[];
  readonly default: string;
  readonly description: string;
}

/** `"cellular"` (every cellular layer of the model) or a list of layer names. */
export interface LayersField {
  readonly kind: "layers";
  readonly path: string;
  readonly default: "cellular";
  readonly description: string;
}

/** An object from memristor parameter names to relative σ (each ≥ 0). */
export interface SigmaMapField {
  readonly kind: "sigma-map";
  readonly path: string;
  readonly max: number;
  readonly description: string;
}

export type ProfileField = NumberField | ChoiceField | LayersField | SigmaMapField;

/** The profile's sections in document order, with a one-line title each (docs). */
export const PROFILE_SECTIONS = [
  ["scales", "physical scales of the circuit (DESIGN.md 2.3)"],
  ["layers", "which cellular layers are analog circuits"],
  ["output", "the output stage as built"],
  ["quantisation", "template coefficient quantisation"],
  ["mismatch", "per-cell, per-coefficient transconductance mismatch"],
  ["offset", "per-cell offset current"],
  ["memristor", "memristor device-to-device variation"],
  ["settling", "finite settling time"],
  ["dac", "input converter (u)"],
  ["adc", "output converter (y)"],
  ["stuck", "stuck cells"],
  ["thermal", "thermal noise kT/C on each cell capacitor"],
  ["energy", "per-element assumptions for resources and energy"],
] as const;

export type ProfileSection = (typeof PROFILE_SECTIONS)[number][0];

const num = (
  path: string,
  unit: string,
  min: number,
  max: number,
  def: number | null,
  description: string,
  extra: Partial<NumberField> = {},
): NumberField => ({ kind: "number", path, unit, min, max, default: def, description, ...extra });

export const PROFILE_FIELDS: readonly ProfileField[] = [
  num("scales.tau", "s", 0, 1, 1e-6, "seconds per unit of cell time, tau = R*C", {
    minExclusive: true,
  }),
  num("scales.V_s", "V", 0, 10, 0.5, "volts per unit of state x", { minExclusive: true }),
  num("scales.R", "ohm", 0, 1e12, 1e6, "cell resistor; C = tau/R, coefficient a -> a/R siemens", {
    minExclusive: true,
  }),
  {
    kind: "choice",
    path: "scales.memristive",
    choices: ["trained", "profile"],
    default: "trained",
    description:
      "scales of M-CellNN layers: the trained ones (the memristor couples to them, so other scales change the network) or the profile's",
  },
  {
    kind: "layers",
    path: "layers.analog",
    default: "cellular",
    description: 'layers on the circuit: "cellular" (all of them) or a list of layer names',
  },
  {
    kind: "choice",
    path: "layers.digital",
    choices: ["cell", "trained"],
    default: "cell",
    description:
      "how cellular layers not in the analog list are computed: the ideal continuous cell or the trained fixed-step integration",
  },
  {
    kind: "choice",
    path: "output.function",
    choices: ["trained", "standard"],
    default: "trained",
    description:
      "output f: the layer's trained leaky f_alpha, or the standard saturation (alpha = 0)",
  },
  num(
    "output.saturation",
    "",
    0,
    100,
    1,
    "saturation level L: f(x) = alpha*x + (1-alpha)*clamp(x, -L, L)",
    {
      minExclusive: true,
    },
  ),
  num(
    "quantisation.bits",
    "bit",
    2,
    32,
    null,
    "signed coefficient word: 2^(bits-1) - 1 levels each side of 0",
    {
      integer: true,
      nullMeans: "off (exact coefficients)",
    },
  ),
  {
    kind: "choice",
    path: "quantisation.range",
    choices: ["per-template", "per-layer", "per-kernel"],
    default: "per-template",
    description:
      "full scale of the grid: max |coefficient| of each template (A, B, z apart), of the whole layer, or of each output channel's kernel",
  },
  {
    kind: "choice",
    path: "quantisation.rounding",
    choices: ["nearest", "truncate", "stochastic"],
    default: "nearest",
    description:
      "to the nearest level (ties away from 0), toward 0, or stochastically (seeded by the mismatch seed)",
  },
  num(
    "quantisation.full_scale",
    "",
    0,
    1e6,
    null,
    "fixed full scale; coefficients beyond it clip",
    {
      minExclusive: true,
      nullMeans: "from the coefficients, per quantisation.range",
    },
  ),
  num(
    "mismatch.sigma",
    "",
    0,
    1,
    0,
    "relative sigma of each cell's own transconductors: g*(1 + sigma*N(0,1))",
  ),
  num(
    "offset.sigma",
    "",
    0,
    10,
    0,
    "sigma of each cell's offset current, in units of the bias V_s/R (as z)",
  ),
  {
    kind: "sigma-map",
    path: "memristor.sigma",
    max: 2,
    description:
      'relative sigma per device of chosen model parameters, e.g. {"G_m": 0.05}: p*exp(sigma*N(0,1)) (log-normal, median p)',
  },
  num(
    "memristor.w0_sigma",
    "",
    0,
    1,
    0,
    "sigma of each device's w(0) (absolute, clamped to the model's range)",
  ),
  num("settling.T_hw", "tau", 0, 1000, null, "read-out time of the layer", {
    minExclusive: true,
    nullMeans: "the trained T",
  }),
  num("dac.bits", "bit", 2, 32, null, "input converter resolution (aihwkit's preset: 7)", {
    integer: true,
    nullMeans: "off (exact u)",
  }),
  num("dac.full_scale", "", 0, 1e6, 4, "input full scale in units of x: u clips to [-FS, FS]", {
    minExclusive: true,
  }),
  num("adc.bits", "bit", 2, 32, null, "output converter resolution (aihwkit's preset: 9)", {
    integer: true,
    nullMeans: "off (exact y)",
  }),
  num("adc.full_scale", "", 0, 1e6, 4, "output full scale in units of x: y clips to [-FS, FS]", {
    minExclusive: true,
  }),
  num("stuck.fraction", "", 0, 1, 0, "fraction of cells whose output is stuck"),
  num("stuck.output", "", -100, 100, 1, "the output y of a stuck cell"),
  num("thermal.temperature", "K", 0, 1000, null, "kT/C noise on each capacitor C = tau/R", {
    minExclusive: true,
    nullMeans: "off (deterministic)",
  }),
  num("thermal.dt", "tau", 0, 0.1, 0.01, "Euler-Maruyama step when noise is on", {
    minExclusive: true,
  }),
  num(
    "thermal.seed",
    "",
    0,
    2 ** 32,
    0,
    "seed of the noise streams (with the layer and its input)",
    {
      integer: true,
    },
  ),
  num("energy.supply", "V", 0, 10, 1.8, "supply voltage of the transconductors' bias", {
    minExclusive: true,
  }),
  num("energy.transconductor_bias", "A", 0, 1, 1e-6, "static bias current of one transconductor"),
  num("energy.dac_energy", "J", 0, 1, 1e-12, "energy of one input conversion"),
  num("energy.adc_energy", "J", 0, 1, 2e-12, "energy of one output conversion"),
  num(
    "energy.capacitor_density",
    "F/m^2",
    0,
    1,
    2e-3,
    "capacitor density (2e-3 F/m^2 = 2 fF/um^2, MIM)",
    {
      minExclusive: true,
    },
  ),
  num(
    "energy.transconductor_area",
    "m^2",
    0,
    1,
    1e-10,
    "area of one transconductor (1e-10 m^2 = 100 um^2)",
  ),
  num("energy.memristor_area", "m^2", 0, 1, 1e-14, "area of one memristor (1e-14 m^2 = 0.01 um^2)"),
];

/** The declared field at `path`. Throws a plain Error for an undeclared path (a bug). */
export function profileField(path: string): ProfileField {
  const f = PROFILE_FIELDS.find((p) => p.path === path);
  if (!f) throw new Error(`hardware profile: no declared field ${path}`);
  return f;
}
