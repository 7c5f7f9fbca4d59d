import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { imageGridPng } from "../plot/imageGrid.js";
import { escapeXml, formatNumber } from "../plot/svgText.js";
import { type BandSeries, plotBands, plotCategories } from "./hardwarePlots.js";
import { type HardwareRow, type PointSummary, summarisePoints, wilson } from "./hardwareStats.js";

/** The rows of a hardware sweep's JSONL file (torn or failed lines skipped). */
export function readHardwareRows(path: string): HardwareRow[] {
  const rows: HardwareRow[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      if (Array.isArray(r.images)) rows.push(r as HardwareRow);
    } catch {
      // a torn last line
    }
  }
  return rows;
}

const AXIS_LABEL: Record<string, string> = {
  "mismatch.sigma": "transconductor mismatch σ (relative)",
  "quantisation.bits": "coefficient bits",
  "settling.T_hw": "read-out time T_hw (τ)",
  "offset.sigma": "offset σ (units of the bias)",
};

/** The plots of one axis: pixel RMSE and agreement against the swept value, 95 % bands. */
export function axisPlots(
  axis: string,
  points: readonly PointSummary[],
  ideal: HardwareRow,
): { rmse: string; agreement: string } {
  const pts = points.filter((p) => p.axis === axis);
  const xLabel =
    AXIS_LABEL[axis] ??
    (axis.startsWith("memristor.sigma.")
      ? `device-to-device σ of ${axis.slice("memristor.sigma.".length)} (relative, log-normal)`
      : axis);
  const rmse: BandSeries = {
    label: "pixel RMSE vs ideal (mean, 95 % CI)",
    points: pts.map((p) => ({ x: p.value, ...p.rmse })),
  };
  const agree: BandSeries = {
    label: "agreement with the class (95 % Wilson)",
    points: pts.map((p) => ({
      x: p.value,
      mean: p.agreement.fraction,
      lo: p.agreement.lo,
      hi: p.agreement.hi,
    })),
  };
  const same: BandSeries = {
    label: "same label as the ideal image",
    points: pts.map((p) => ({
      x: p.value,
      mean: p.sameLabel.fraction,
      lo: p.sameLabel.lo,
      hi: p.sameLabel.hi,
    })),
  };
  let idealAgree = 0;
  for (let k = 0; k < ideal.n; k++) if (ideal.labels[k] === ideal.classes[k]) idealAgree++;
  return {
    rmse: plotBands({
      title: `Pixel RMSE against the ideal images: ${axis}`,
      xLabel,
      yLabel: "RMSE (pixels in [0, 1])",
      series: [rmse],
      logX: axis === "mismatch.sigma",
    }),
    agreement: plotBands({
      title: `Classifier agreement: ${axis}`,
      xLabel,
      yLabel: "fraction of samples",
      series: [agree, same],
      reference: { value: wilson(idealAgree, ideal.n).fraction, label: "ideal cell engine" },
      logX: axis === "mismatch.sigma",
    }),
  };
}

/**
 * A per-layer sensitivity sweep's plots (points that put one layer on the circuit, the others
 * ideal: PointSummary.layer): pixel RMSE against the ideal images per layer, and the fraction of
 * samples whose label differs from their ideal image's, each with its 95 % interval and one
 * series per other setting (e.g. mismatch σ = 5 %). Null when no point does.
 */
export function layerPlots(
  points: readonly PointSummary[],
): { rmse: string; changed: string } | null {
  const layered = points.filter((p) => p.layer !== null);
  if (layered.length === 0) return null;
  const categories = [...new Set(layered.map((p) => p.layer as string))];
  const conditions = [...new Set(layered.map((p) => p.condition))];
  const series = (metric: (p: PointSummary) => { mean: number; lo: number; hi: number }) =>
    conditions.map((c) => ({
      label: c || "the base profile",
      points: layered
        .filter((p) => p.condition === c)
        .map((p) => ({ category: p.layer as string, ...metric(p) })),
    }));
  const xLabel = 'layer on the circuit (the others ideal; "all": every cellular layer)';
  return {
    rmse: plotCategories({
      title: "Pixel RMSE against the ideal images, one layer on the circuit",
      xLabel,
      yLabel: "pixel RMSE (95 % CI)",
      categories,
      series: series((p) => p.rmse),
    }),
    changed: plotCategories({
      title: "Samples whose label differs from their ideal image's",
      xLabel,
      yLabel: "fraction of samples (95 % CI)",
      categories,
      series: series((p) => ({
        mean: 1 - p.sameLabel.fraction,
        lo: 1 - p.sameLabel.hi,
        hi: 1 - p.sameLabel.lo,
      })),
    }),
  };
}

/** The images a row keeps as one PNG: one column per sample. */
export function rowGridPng(row: HardwareRow, scale = 2): Uint8Array {
  const count = row.gridSamples?.length ?? row.n;
  const side = Math.round(Math.sqrt(row.images.length / count));
  return imageGridPng({
    images: row.images,
    shape: { batch: count, channels: 1, rows: side, cols: side },
    gridRows: 1,
    gridCols: count,
    at: (_r, c) => c,
    scale,
  });
}

/** The table of points as Markdown (docs/hardware.md). */
export function pointsMarkdown(points: readonly PointSummary[]): string {
  const lines = [
    "| swept | value | seeds | samples | pixel RMSE (95 % CI) | agreement (95 % CI) | same label as ideal | ms / forward |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const f = (v: number) => (Number.isFinite(v) ? formatNumber(v, 3) : "–");
  for (const p of points)
    lines.push(
      `| \`${p.axis}\` | ${p.text} | ${p.seeds.join(", ")} | ${p.samples} | ${f(p.rmse.mean)} [${f(p.rmse.lo)}, ${f(p.rmse.hi)}] | ${p.agreement.agree}/${p.samples} = ${f(p.agreement.fraction)} [${f(p.agreement.lo)}, ${f(p.agreement.hi)}] | ${f(p.sameLabel.fraction)} | ${p.msPerForward === null ? "–" : Math.round(p.msPerForward)} |`,
    );
  return lines.join("\n");
}

/**
 * Writes the report of a hardware sweep into `outDir`: `<name>-rmse-<axis>.svg`,
 * `<name>-agreement-<axis>.svg`, `<name>-grid-<k>.png` (the images of every row) and
 * `<name>-report.html` (self-contained: table, plots, every point's image grid beside the
 * ideal's). Returns the summary.
 */
export function writeHardwareReport(rowsPath: string, outDir: string, name: string, title: string) {
  const rows = readHardwareRows(rowsPath);
  const { ideal, points } = summarisePoints(rows);
  mkdirSync(outDir, { recursive: true });
  const axes = [...new Set(points.map((p) => p.axis))];
  const figures: string[] = [];
  for (const axis of axes) {
    // An axis whose values are not numbers (a σ map of several parameters) has its table rows
    // and image grids, no plot.
    if (points.some((p) => p.axis === axis && !Number.isFinite(p.value))) continue;
    const { rmse, agreement } = axisPlots(axis, points, ideal);
    const slug = axis.replaceAll(".", "-");
    writeFileSync(join(outDir, `${name}-rmse-${slug}.svg`), rmse);
    writeFileSync(join(outDir, `${name}-agreement-${slug}.svg`), agreement);
    figures.push(
      `<section><h2>${escapeXml(axis)}</h2><div class="plots">${rmse}${agreement}</div></section>`,
    );
  }
  const layers = layerPlots(points);
  if (layers) {
    writeFileSync(join(outDir, `${name}-layers-rmse.svg`), layers.rmse);
    writeFileSync(join(outDir, `${name}-layers-changed.svg`), layers.changed);
    figures.push(
      `<section><h2>One layer on the circuit at a time</h2><div class="plots">${layers.rmse}${layers.changed}</div></section>`,
    );
  }
  const grids: string[] = [];
  rows.forEach((r, k) => {
    const png = rowGridPng(r);
    writeFileSync(join(outDir, `${name}-grid-${k}.png`), png);
    const label = r.ideal
      ? "ideal (cell engine)"
      : `${r.axis} = ${JSON.stringify(r.value)}, mismatch seed ${r.mismatchSeed}`;
    const stats = r.ideal
      ? ""
      : ` — pixel RMSE ${formatNumber(r.pixelRmse, 3)}, agreement ${formatNumber(r.agreement, 3)}`;
    grids.push(
      `<figure><img alt="${escapeXml(label)}" src="data:image/png;base64,${Buffer.from(png).toString("base64")}"><figcaption>${escapeXml(label + stats)}; classes ${(r.gridSamples ?? r.classes.map((_, i) => i)).map((i) => r.classes[i]).join(", ")}${r.gridSamples && r.gridSamples.length < r.n ? ` (${r.gridSamples.length} of ${r.n} samples)` : ""}</figcaption></figure>`,
    );
  });
  const table = pointsMarkdown(points)
    .split("\n")
    .filter((_, i) => i !== 1)
    .map((l, i) => {
      const cells = l
        .split("|")
        .slice(1, -1)
        .map((c) => escapeXml(c.trim().replaceAll("`", "")));
      const tag = i === 0 ? "th" : "td";
      return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
    })
    .join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}.plots{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0.6em 0}img{image-rendering:pixelated}</style></head>
<body><h1>${escapeXml(title)}</h1>
<p>Every point: the same noise and classes as the ideal images; pixel RMSE against them (clipped to [0, 1]), 95 % Student-t interval over images × seeds; agreement of the LeNet-5 label with the conditioning class, 95 % Wilson interval.</p>
<table>${table}</table>${figures.join("")}<section><h2>Image grids</h2>${grids.join("")}</section></body></html>
`;
  writeFileSync(join(outDir, `${name}-report.html`), html);
  return { ideal, points, markdown: pointsMarkdown(points) };
}
