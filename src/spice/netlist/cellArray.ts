import type { CellArray } from "../../cells/spec.js";
import { createCellSystem } from "../../cells/system.js";
import { ValidationError } from "../../core/errors.js";
import { formatSpiceNumber as num } from "../../core/spiceNumber.js";
import {
  type CellCircuitContext,
  cellElements,
  inputSource,
  pwlExpression,
} from "./cellCircuit.js";
import { controlBlock } from "./control.js";
import { memristorSubcircuit } from "./memristor.js";
import { memristorElements } from "./memristorCell.js";
import type { Element, Netlist, NetlistStream, Subcircuit } from "./model.js";
import { nodeName, voltageVector } from "./nodeNames.js";
import {
  type CellRegion,
  checkRegion,
  isWholeArray,
  ringPositions,
  wholeRegion,
} from "./region.js";

/**
 * How an array becomes a circuit (DESIGN.md 3), per cell (c, i, j):
 *
 *   x node   C = τ/R and R to ground; an M-CellNN cell adds the TaOx subcircuit in parallel
 *   y node   behavioural voltage source V_s·f(v(x)/V_s)
 *   A        currents (A/R)·v(y_q) into x: one VCCS per coefficient ("vccs") or one behavioural
 *            current source per cell ("behavioral")
 *   B, z     input nodes u as voltage sources V_s·u with VCCS (B/R)·v(u_q) ("sources"), or
 *            B ⋆ u + z folded into one current source per cell ("folded"); the bias z and the
 *            virtual cells of a fixed boundary are constant currents (z + Σ A·y_b + Σ B·u_b)·V_s/R
 *   memristor  memristorCell.ts (senses x or y)
 *
 * A netlist holds either the whole array or one tile (a `CellRegion`): the tile's cells with
 * every channel, its ring (the cells outside it that its A template reads, template radius
 * wide) as output nodes y driven by PWL voltage sources, and the inputs u of the tile and of
 * its B ring as sources. Node names are the whole array's, whatever the region.
 *
 * Time in the circuit is physical: the transient runs to T·τ seconds, x = v(x)/V_s.
 */
export interface NetlistOptions {
  /** Transient length in units of τ. */
  T: number;
  /** Output points (the .tran step is T·τ/points). Default 100. */
  points?: number;
  /** Largest internal step in units of τ; sets ngspice's accuracy (DESIGN.md 3). Default 1e-3. */
  maxStep?: number;
  templateForm?: "vccs" | "behavioral";
  inputForm?: "sources" | "folded";
  /**
   * Extra `.options` words. Default: none for a CellNN; "reltol=1e-6 trtol=1" for an M-CellNN,
   * whose abrupt memristor switching ngspice's default error control (reltol 1e-3, trtol 7)
   * steps over with errors of a few 1e-2 in x (measured on netlists/mcellnn-edge-4x4.cir: 4e-2 by
   * default, 6e-6 with these options, at no extra run time).
   */
  options?: string[];
  /** Save the y nodes as well as x (and w). */
  saveOutputs?: boolean;
  /**
   * Add a `.control` block (control.ts) that writes this raw file beside the netlist when it is
   * run by hand (`ngspice -b FILE`). cellspice's own runs leave it out.
   */
  controlRawFile?: string;
}

/**
 * The outputs of a tile's ring during the transient: physical times [s] (from 0 to at least
 * T·τ) and, for each ring cell, its output node's voltage V_s·f(x(t)) at those times.
 */
export interface RingDrive {
  t: ArrayLike<number>;
  y(channel: number, row: number, col: number): ArrayLike<number>;
  /** How the waveforms were obtained, for the netlist's header. */
  source: string;
}

export interface ArrayNetlist {
  netlist: Netlist;
  /** The vectors saved, in cell order: x for every cell, then w for an M-CellNN. */
  stateVectors: string[];
  memristorVectors: string[];
  /** Physical end time T·τ [s]. */
  tstop: number;
}

export interface RegionNetlist extends Omit<ArrayNetlist, "netlist"> {
  /** Elements are produced when iterated (stream them with writeNetlistFile). */
  netlist: NetlistStream;
  region: CellRegion;
  /** The ring: positions (row, column) outside the region whose outputs y it reads. */
  ring: [number, number][];
  /** The positions whose inputs u are sources (region and B ring), empty when folded. */
  inputs: [number, number][];
  /** Counts the elements the netlist holds (one pass over the cells, nothing kept). */
  countElements(): number;
}

/** The whole array's netlist, elements in memory (arrays of moderate size; see regionNetlist). */
export function arrayNetlist(array: CellArray, options: NetlistOptions): ArrayNetlist {
  const r = regionNetlist(array, options);
  return {
    netlist: { ...r.netlist, elements: [...r.netlist.elements] },
    stateVectors: r.stateVectors,
    memristorVectors: r.memristorVectors,
    tstop: r.tstop,
  };
}

/**
 * The netlist of `region` of the array (default the whole array) with its elements produced
 * lazily. A region smaller than the array needs `ring`: the PWL drive of its ring's outputs;
 * "undriven" leaves the ring's nodes floating (the topology check then names them), for tests
 * of a wrong boundary.
 */
export function regionNetlist(
  array: CellArray,
  options: NetlistOptions,
  region: CellRegion = wholeRegion(array),
  ring?: RingDrive | "undriven",
): RegionNetlist {
  const { channels, inputChannels, A, B } = array;
  const { tau, Vs, R } = array.scales;
  if (!(options.T > 0 && Number.isFinite(options.T))) {
    throw new ValidationError("T", `got ${options.T}`, "a positive transient length in units of τ");
  }
  const points = options.points ?? 100;
  if (!(Number.isInteger(points) && points >= 1)) {
    throw new ValidationError("points", `got ${points}`, "a positive integer");
  }
  const maxStep = options.maxStep ?? 1e-3;
  if (!(maxStep > 0))
    throw new ValidationError("maxStep", `got ${maxStep}`, "a positive step in units of τ");
  checkRegion(region, array);
  const whole = isWholeArray(region, array);
  const templateForm = options.templateForm ?? "vccs";
  const inputForm = options.inputForm ?? "sources";
  const ringCells = whole ? [] : ringPositions(array, region, (A.size - 1) / 2);
  if (ringCells.length > 0 && ring === undefined) {
    throw new ValidationError(
      "ring",
      `the tile at (${region.row0}, ${region.col0}) reads ${ringCells.length} ring positions and no drive was given`,
      "a RingDrive with the ring cells' output waveforms",
    );
  }
  const drive = ring === "undriven" ? undefined : ring;
  const tstop = options.T * tau;
  if (drive) checkDrive(drive, tstop);
  const ctx: CellCircuitContext = {
    array,
    templateForm,
    folded:
      inputForm === "folded"
        ? createCellSystem({ ...array, memristor: undefined }).constantInput
        : undefined,
  };
  const inputs =
    inputForm === "folded"
      ? []
      : whole
        ? regionPositions(region)
        : mergePositions(regionPositions(region), ringPositions(array, region, (B.size - 1) / 2));
  const cells = regionPositions(region);
  const sub: Subcircuit | undefined = array.memristor
    ? memristorSubcircuit(array.memristor.model)
    : undefined;

  function* elements(): Generator<Element> {
    for (let c = 0; c < inputChannels; c++)
      for (const [i, j] of inputs) yield inputSource(array, c, i, j);
    if (drive) {
      for (let c = 0; c < channels; c++) {
        for (const [i, j] of ringCells) {
          const node = nodeName("y", c, i, j);
          yield {
            kind: "BV",
            name: `b${node}`,
            nodes: [node, "0"],
            expr: pwlExpression(drive.t, drive.y(c, i, j)),
          };
        }
      }
    }
    for (let c = 0; c < channels; c++)
      for (const [i, j] of cells) yield* cellElements(ctx, c, i, j);
    if (sub)
      for (let c = 0; c < channels; c++)
        for (const [i, j] of cells) yield* memristorElements(array, sub, c, i, j);
  }

  const cellNodes = (kind: "x" | "y" | "w") => {
    const names: string[] = [];
    for (let c = 0; c < channels; c++)
      for (const [i, j] of cells) names.push(nodeName(kind, c, i, j));
    return names;
  };
  const stateVectors = cellNodes("x").map(voltageVector);
  const memristorVectors = array.memristor ? cellNodes("w").map(voltageVector) : [];
  const saves = [...stateVectors, ...memristorVectors];
  if (options.saveOutputs) saves.push(...cellNodes("y").map(voltageVector));

  const capacitance = tau / R;
  const where = whole
    ? ""
    : `, tile rows ${region.row0}-${region.row0 + region.rows - 1} columns ${region.col0}-${region.col0 + region.cols - 1}`;
  const netlist: NetlistStream = {
    title: `cellspice ${array.memristor ? "M-CellNN" : "CellNN"} array ${array.name}${where}`,
    comments: [
      `generated by cellspice from array "${array.name}": ${channels} channel(s) of ${array.rows}x${array.cols} cells, ${inputChannels} input channel(s)`,
      `templates: A ${A.size}x${A.size}, B ${B.size}x${B.size}; boundary ${JSON.stringify(array.boundary)}; output ${JSON.stringify(array.output)}`,
      `scales: tau=${num(tau)} s, Vs=${num(Vs)} V, R=${num(R)} ohm, C=tau/R=${num(capacitance)} F; x = v(x_c_i_j)/Vs, t = time/tau`,
      `transient: T=${num(options.T)} tau, ${points} points, max step ${num(maxStep)} tau; template form ${templateForm}, input form ${inputForm}`,
      `nodes: x_<c>_<i>_<j> state, y_ output f(x), u_ input, w_ memristor state (zero-based channel, row, column)`,
      ...(array.memristor
        ? [
            array.memristor.voltage === "x"
              ? `memristor: ${array.memristor.model.name} across each cell capacitor (voltage v(x))`
              : `memristor: ${array.memristor.model.name} on each cell output (voltage v(y), node m_ behind the 0 V sense source vm_), its current drawn from x by fm_`,
          ]
        : []),
      ...(whole
        ? []
        : [
            `tile: ${channels}x${region.rows}x${region.cols} cells at origin (row ${region.row0}, column ${region.col0}) of the ${array.rows}x${array.cols} layer; node names carry layer coordinates`,
            drive
              ? `ring: ${ringCells.length} positions x ${channels} channels of outputs y driven by behavioural pwl(time) sources (${drive.source}), ${drive.t.length} points each`
              : `ring: ${ringCells.length} positions x ${channels} channels of outputs y LEFT UNDRIVEN (a wrong boundary, for tests)`,
            `inputs: ${inputForm === "folded" ? "B*u+z folded into each cell's current source" : `u of the tile and its ring (${inputs.length} positions x ${inputChannels} channels) as sources`}`,
          ]),
    ],
    options: [
      "norefvalue noinit noacct",
      ...(options.options ?? (array.memristor ? ["reltol=1e-6 trtol=1"] : [])),
    ],
    subcircuits: sub ? [sub] : [],
    elements: { [Symbol.iterator]: elements },
    saves,
    tran: { step: tstop / points, stop: tstop, maxStep: maxStep * tau, uic: true },
    ...(options.controlRawFile === undefined
      ? {}
      : { control: controlBlock(options.controlRawFile) }),
  };
  const perCellMemristor = !array.memristor ? 0 : array.memristor.voltage === "x" ? 1 : 3;
  return {
    netlist,
    stateVectors,
    memristorVectors,
    tstop,
    region,
    ring: ringCells,
    inputs,
    countElements: () =>
      countElements(
        ctx,
        cells,
        inputs.length * inputChannels,
        drive ? ringCells.length * channels : 0,
        perCellMemristor,
      ),
  };
}

/** The positions of a region, row by row. */
function regionPositions(r: CellRegion): [number, number][] {
  const out: [number, number][] = [];
  for (let i = r.row0; i < r.row0 + r.rows; i++)
    for (let j = r.col0; j < r.col0 + r.cols; j++) out.push([i, j]);
  return out;
}

function mergePositions(a: [number, number][], b: [number, number][]): [number, number][] {
  return [...a, ...b].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

function checkDrive(drive: RingDrive, tstop: number): void {
  const t = drive.t;
  const last = t[t.length - 1];
  if (!(t.length >= 2 && t[0] === 0 && last >= tstop * (1 - 1e-12))) {
    throw new ValidationError(
      "ring.t",
      `${t.length} times from ${t[0]} to ${last} s`,
      `increasing times from 0 to at least tstop = ${tstop} s`,
    );
  }
  for (let k = 1; k < t.length; k++) {
    if (!(t[k] > t[k - 1]))
      throw new ValidationError(
        `ring.t[${k}]`,
        `${t[k]} after ${t[k - 1]}`,
        "strictly increasing times",
      );
  }
}

/** How many elements the region's netlist holds: one pass over the cells' templates. */
function countElements(
  ctx: CellCircuitContext,
  cells: [number, number][],
  inputSources: number,
  ringSources: number,
  perCellMemristor: number,
): number {
  let n = inputSources + ringSources;
  for (let c = 0; c < ctx.array.channels; c++)
    for (const [i, j] of cells) n += cellElements(ctx, c, i, j).length + perCellMemristor;
  return n;
}
