import { ValidationError } from "../core/errors.js";
import type { Boundary } from "./boundary.js";
import { STANDARD_OUTPUT } from "./output.js";
import { type CellArray, DEFAULT_SCALES, validateCellArray } from "./spec.js";
import { singleChannelTemplate } from "./template.js";

/**
 * Classic single-channel templates with published behaviour (DESIGN.md 1.1). Colour convention
 * of the CNN template libraries: black = +1, white = −1. Rows are [top; middle; bottom] and are
 * applied as correlations (no kernel flip).
 *
 * Sources: Software Library for Cellular Wave Computing Engines v3.1 (2010); Chua & Yang, IEEE
 * TCAS 35(10), 1988; Matsumoto, Chua et al., IEEE TCAS 37, 1990; cross-checked by simulation
 * (DESIGN.md 1.1 and test/cells/library.test.ts).
 */
export interface ClassicTemplate {
  readonly name: string;
  readonly title: string;
  readonly A: number[][];
  readonly B: number[][];
  readonly z: number;
  readonly boundary: Boundary;
  /** x(0): zero, the input itself, or all +1. */
  readonly initialState: "zero" | "input" | "ones";
  /** A transient long enough to settle on the reference inputs, in units of τ. */
  readonly settleTime: number;
  readonly expected: string;
  readonly source: string;
}

const SLCWE = "Software Library for Cellular Wave Computing Engines v3.1 (2010)";

/** Template parameters of the parametric entries. */
export interface ClassicOptions {
  /** THRESHOLD: the gray level z* that separates black from white (default 0). */
  threshold?: number;
  /** HEAT: the diffusion coefficient D (default 0.1; the template is contractive for D ≤ 0.25). */
  D?: number;
}

export function classicTemplate(name: string, options: ClassicOptions = {}): ClassicTemplate {
  const make = CLASSIC[name.toLowerCase()];
  if (!make) {
    throw new ValidationError(
      "template",
      `unknown classic template ${JSON.stringify(name)}`,
      CLASSIC_NAMES.join(", "),
    );
  }
  return make(options);
}

const CLASSIC: Record<string, (o: ClassicOptions) => ClassicTemplate> = {
  edge: () => ({
    name: "edge",
    title: "Edge detection",
    A: centre(1),
    B: [
      [-1, -1, -1],
      [-1, 8, -1],
      [-1, -1, -1],
    ],
    z: -1,
    boundary: { kind: "fixed", y: 0, u: -1 },
    initialState: "zero",
    settleTime: 5,
    expected: "black pixels with a white 8-neighbour stay black, all else white",
    source: `${SLCWE}, EdgeDetection; Chua & Yang 1988`,
  }),
  corner: () => ({
    name: "corner",
    title: "Convex corner detection",
    A: centre(1),
    B: [
      [-1, -1, -1],
      [-1, 4, -1],
      [-1, -1, -1],
    ],
    z: -5,
    boundary: { kind: "fixed", y: 0, u: -1 },
    initialState: "zero",
    settleTime: 5,
    expected: "black pixels with at least 5 white 8-neighbours stay black, all else white",
    source: `${SLCWE}, ConvexCornerDetection`,
  }),
  threshold: (o) => ({
    name: "threshold",
    title: "Gray-scale threshold",
    A: centre(2),
    B: centre(0),
    z: -(o.threshold ?? 0),
    boundary: { kind: "fixed", y: 0, u: 0 },
    initialState: "input",
    settleTime: 10,
    expected: "+1 where the gray level exceeds z*, −1 where it is below",
    source: `${SLCWE}, Threshold`,
  }),
  average: () => ({
    name: "average",
    title: "Averaging (majority smoothing)",
    A: [
      [0, 1, 0],
      [1, 2, 1],
      [0, 1, 0],
    ],
    B: centre(0),
    z: 0,
    boundary: { kind: "zero-flux" },
    initialState: "input",
    settleTime: 10,
    expected: "a binary image where each pixel takes the sign of its weighted neighbourhood",
    source: `${SLCWE}, Average`,
  }),
  "hole-fill": () => ({
    name: "hole-fill",
    title: "Hole filling",
    A: [
      [0, 1, 0],
      [1, 3, 1],
      [0, 1, 0],
    ],
    B: centre(4),
    z: -1,
    boundary: { kind: "fixed", y: 0, u: 0 },
    initialState: "ones",
    settleTime: 30,
    expected: "white regions not 4-connected to the border become black",
    source: `${SLCWE}, HoleFilling (centre 3: the older value 2 sits on a marginal equilibrium)`,
  }),
  shadow: () => ({
    name: "shadow",
    title: "Shadow (to the left)",
    A: [
      [0, 0, 0],
      [0, 2, 2],
      [0, 0, 0],
    ],
    B: centre(2),
    z: 0,
    boundary: { kind: "fixed", y: 0, u: 0 },
    initialState: "ones",
    settleTime: 30,
    expected: "black iff a black input pixel lies at or right of it in its row",
    source: `${SLCWE}, LeftShadow`,
  }),
  ccd: () => ({
    name: "ccd",
    title: "Connected component detection (horizontal)",
    A: [
      [0, 0, 0],
      [1, 2, -1],
      [0, 0, 0],
    ],
    B: centre(0),
    z: 0,
    boundary: { kind: "fixed", y: -1, u: 0 },
    initialState: "input",
    settleTime: 60,
    expected: "each row's k black runs become k black pixels packed against the right border",
    source: `${SLCWE}, ConnectedComponentDetection; Matsumoto, Chua et al. 1990`,
  }),
  heat: (o) => {
    const D = o.D ?? 0.1;
    if (!(D > 0 && D <= 0.25))
      throw new ValidationError("D", `got ${D}`, "a diffusion coefficient in (0, 0.25]");
    return {
      name: "heat",
      title: "Heat diffusion (5-point Laplacian)",
      A: [
        [0, D, 0],
        [D, 1 - 4 * D, D],
        [0, D, 0],
      ],
      B: centre(0),
      z: 0,
      boundary: { kind: "zero-flux" },
      initialState: "input",
      settleTime: 5,
      expected: "∂x/∂t = D∇²x while |x| ≤ 1: mass conserved, per-axis variance grows by 2Dt",
      source: "DESIGN.md 1.1: with |x| ≤ 1 the cell equation reduces to the discrete heat equation",
    };
  },
};

export const CLASSIC_NAMES: readonly string[] = Object.keys(CLASSIC);

/** The 3×3 template with `v` in the centre. */
function centre(v: number): number[][] {
  return [
    [0, 0, 0],
    [0, v, 0],
    [0, 0, 0],
  ];
}

/**
 * A single-channel array running a classic template on an image (rows × cols, row-major, +1
 * black, −1 white).
 */
export function classicArray(
  template: ClassicTemplate,
  image: { rows: number; cols: number; data: ArrayLike<number> },
): CellArray {
  const { rows, cols } = image;
  const input = Float64Array.from(image.data);
  const x0 =
    template.initialState === "input"
      ? Float64Array.from(input)
      : new Float64Array(rows * cols).fill(template.initialState === "ones" ? 1 : 0);
  return validateCellArray({
    name: template.name,
    channels: 1,
    inputChannels: 1,
    rows,
    cols,
    A: singleChannelTemplate(template.A),
    B: singleChannelTemplate(template.B),
    z: Float64Array.of(template.z),
    boundary: template.boundary,
    output: STANDARD_OUTPUT,
    input,
    x0,
    scales: DEFAULT_SCALES,
  });
}
