import type { CosimResult } from "../cosim/cosim.js";
import { cellLocation } from "../cosim/cosim.js";
import { plotHeatmap } from "../plot/heatmap.js";
import { plotImageGrid } from "../plot/images.js";
import { plotIvLoop } from "../plot/ivLoop.js";
import { paletteColor } from "../plot/theme.js";
import { plotWaveforms } from "../plot/waveforms.js";
import { finalOutput } from "./fromCosim.js";
import { column, memristorSamples, mostActiveMemristor } from "./memristorTraces.js";

/** A static figure: an SVG document and the file name it is written under. */
export interface StaticFigure {
  /** File name, e.g. "waveforms.svg". */
  readonly file: string;
  readonly title: string;
  readonly svg: string;
  readonly caption: string;
}

export interface CosimFigureOptions {
  /** Cells whose waveforms are drawn (default: the worst cell and the array's centre cell). */
  readonly cells?: readonly number[];
  /** The memristor shown in the i–v figures (default: the one whose state moves most). */
  readonly memristorCell?: number;
}

/** "(c, i, j)" of a flat cell index. */
export function cellName(r: CosimResult, p: number): string {
  const { channel, row, col } = cellLocation(r.array, p);
  return `(${channel}, ${row}, ${col})`;
}

/**
 * The static figures of a co-simulation: waveforms of chosen cells of both engines with the
 * difference of the first, the input and output images, one per-cell error map per channel,
 * and for an M-CellNN the memristor's i–v loop (cellspice) and w(t) of both engines.
 */
export function cosimFigures(r: CosimResult, o: CosimFigureOptions = {}): StaticFigure[] {
  const a = r.array;
  const n = r.cellspice.cells;
  const nt = r.t.length;
  const centre = (Math.floor(a.rows / 2) * a.cols + Math.floor(a.cols / 2)) % n;
  const cells = o.cells ?? [...new Set([r.overall.worstCell, centre])];
  for (const p of cells) {
    if (!(Number.isInteger(p) && p >= 0 && p < n))
      throw new RangeError(`cell ${p} is not in 0…${n - 1}`);
  }
  const figures: StaticFigure[] = [];
  const series = cells.flatMap((p) => [
    { label: `cellspice x${cellName(r, p)}`, t: r.t, y: column(r.cellspice.x, n, p) },
    {
      label: `ngspice x${cellName(r, p)}`,
      t: r.t,
      y: column(r.ngspice.x, n, p),
      style: "dashed" as const,
    },
  ]);
  const first = cells[0];
  const diff = column(r.ngspice.x, n, first).map((v, k) => v - r.cellspice.x[k * n + first]);
  figures.push({
    file: "waveforms.svg",
    title: `State waveforms of ${a.name}`,
    svg: plotWaveforms({
      title: `State waveforms of ${a.name}`,
      xLabel: "time t",
      yLabel: "state x",
      xUnit: "τ",
      yUnit: "",
      series: series.map((s, k) => ({
        ...s,
        color: paletteColor(Math.floor(k / 2)),
        markers: k % 2 === 1 && nt > 48,
      })),
      difference: { label: `Δx${cellName(r, first)}`, t: r.t, y: diff },
    }),
    caption: `cellspice (solid) and ngspice (dashed); lower panel: ngspice − cellspice of cell ${cellName(r, first)}.`,
  });
  figures.push({
    file: "images.svg",
    title: "Input and output images",
    svg: plotImageGrid({
      title: `${a.name}: input and final outputs`,
      images: [
        ...channelImages("input u", a.input, a.inputChannels, a.rows, a.cols),
        ...channelImages(
          "cellspice y(T)",
          finalOutput(a, r.cellspice.x, nt, n),
          a.channels,
          a.rows,
          a.cols,
        ),
        ...channelImages(
          "ngspice y(T)",
          finalOutput(a, r.ngspice.x, nt, n),
          a.channels,
          a.rows,
          a.cols,
        ),
      ],
      size: 144,
    }),
    caption: "Input and the final outputs y = f(x(T)) of both engines (black = +1, white = −1).",
  });
  const plane = a.rows * a.cols;
  for (let c = 0; c < a.channels; c++) {
    const values = Float64Array.from({ length: plane }, (_, q) => r.cells[c * plane + q].maxAbs);
    figures.push({
      file: a.channels === 1 ? "error-map.svg" : `error-map-c${c}.svg`,
      title: `Per-cell error, channel ${c}`,
      svg: plotHeatmap({
        title: "Per-cell error max |Δx|",
        rows: a.rows,
        cols: a.cols,
        channel: c,
        values,
        kind: "sequential",
        label: "max |Δx|",
      }),
      caption: `max over t of |ngspice − cellspice| per cell, channel ${c}.`,
    });
  }
  if (a.memristor && r.cellspice.w && r.ngspice.w) {
    const p = o.memristorCell ?? mostActiveMemristor(r.cellspice.w, n);
    const s = memristorSamples(a, r.cellspice);
    const name = cellName(r, p);
    figures.push({
      file: "memristor-iv.svg",
      title: `Memristor i–v loop of cell ${name}`,
      svg: plotIvLoop({
        title: `Memristor of cell ${name} (${a.memristor.model.name})`,
        v: column(s.v, n, p),
        i: column(s.i, n, p),
        w: column(s.w, n, p),
        t: r.t,
        timeUnit: "tau",
      }),
      caption: `i–v loop coloured by time and state w(t) of the memristor of cell ${name} (cellspice; i = i_M(w, V_s·x)).`,
    });
    const wCs = column(r.cellspice.w, n, p);
    const wNg = column(r.ngspice.w, n, p);
    figures.push({
      file: "memristor-w.svg",
      title: `Memristor state w(t) of cell ${name}`,
      svg: plotWaveforms({
        title: `Memristor state w(t) of cell ${name}`,
        xLabel: "time t",
        yLabel: "memristor state w",
        xUnit: "τ",
        yUnit: "",
        series: [
          { label: "cellspice", t: r.t, y: wCs },
          { label: "ngspice", t: r.t, y: wNg, style: "dashed" },
        ],
        difference: { label: "Δw", t: r.t, y: wNg.map((v, k) => v - wCs[k]) },
      }),
      caption: `Memristor state of cell ${name} from both engines; lower panel: ngspice − cellspice.`,
    });
  }
  return figures;
}

function channelImages(
  label: string,
  values: Float64Array,
  channels: number,
  rows: number,
  cols: number,
) {
  const plane = rows * cols;
  return Array.from({ length: channels }, (_, c) => ({
    label: channels > 1 ? `${label}, ch ${c}` : label,
    rows,
    cols,
    values: values.subarray(c * plane, (c + 1) * plane),
  }));
}
