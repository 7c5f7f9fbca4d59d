import { REPORT_STYLE } from "../plot/reportStyle.js";
import { escapeXml as esc, formatNumber } from "../plot/svgText.js";
import type { SampleRunRecord, SampleSetRecord } from "./sampleSummary.js";

/** A grid image of one sample set, as PNG bytes. */
export interface SampleGridImage {
  readonly name: string;
  readonly png: Uint8Array;
}

const SAMPLE_STYLE = `
.grids { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.grids img { display: block; image-rendering: pixelated; max-width: 100%; }
td.num, th.num { text-align: right; }
`;

const percent = (f: number) => (Number.isFinite(f) ? `${(100 * f).toFixed(1)} %` : "–");
const seconds = (s: number) => `${formatNumber(s, 3)} s`;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** The displayed size of a grid: small grids enlarged (pixelated) to about 480 px wide, ≤ 4×. */
function displaySize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16); // IHDR: big-endian width, height
  const height = view.getUint32(20);
  const k = Math.max(1, Math.min(4, Math.floor(480 / width)));
  return { width: width * k, height: height * k };
}

function kv(rows: [string, string][]): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join("")}</tbody></table>`;
}

function agreementTable(sets: readonly SampleSetRecord[]): string {
  const classes = sets[0].scores.agreement.perClass.map((p) => p.class);
  const head = `<tr><th>class</th>${sets.map((s) => `<th class="num">${esc(s.name)}</th>`).join("")}</tr>`;
  const rows = classes.map((c, i) => {
    const cells = sets.map((s) => {
      const p = s.scores.agreement.perClass[i];
      return `<td class="num">${p.agree}/${p.n} (${percent(p.fraction)})</td>`;
    });
    return `<tr data-class="${c}"><th>${c}</th>${cells.join("")}</tr>`;
  });
  const total = sets.map((s) => {
    const a = s.scores.agreement;
    return `<td class="num"><b>${a.agree}/${a.n} (${percent(a.fraction)})</b></td>`;
  });
  return `<table class="metrics agreement"><thead>${head}</thead><tbody>${rows.join("")}<tr><th>all</th>${total.join("")}</tr></tbody></table>`;
}

function metricsTable(r: SampleRunRecord): string {
  const rows: string[] = [];
  const cell = (v: string) => `<td class="num">${v}</td>`;
  const head = `<tr><th></th>${r.sets.map((s) => `<th class="num">${esc(s.name)}</th>`).join("")}</tr>`;
  rows.push(
    `<tr><th>classifier agreement</th>${r.sets.map((s) => cell(percent(s.scores.agreement.fraction))).join("")}</tr>`,
  );
  if (r.fidReference) {
    rows.push(
      `<tr><th>FID (LeNet-5 features)</th>${r.sets.map((s) => cell(formatNumber(s.scores.fid ?? Number.NaN, 4))).join("")}</tr>`,
    );
    rows.push(
      `<tr><th>KID (mean ± std)</th>${r.sets
        .map((s) =>
          cell(
            s.scores.kid
              ? `${formatNumber(s.scores.kid.mean, 3)} ± ${formatNumber(s.scores.kid.std, 2)}`
              : "–",
          ),
        )
        .join("")}</tr>`,
    );
  }
  rows.push(
    `<tr><th>images per second</th>${r.sets.map((s) => cell(formatNumber(s.timing.imagesPerS, 3))).join("")}</tr>`,
  );
  rows.push(
    `<tr><th>ms per image-forward</th>${r.sets.map((s) => cell(formatNumber(s.timing.msPerImageForward, 3))).join("")}</tr>`,
  );
  rows.push(
    `<tr><th>sampling time</th>${r.sets.map((s) => cell(seconds(s.timing.sampleS))).join("")}</tr>`,
  );
  if (r.comparison)
    rows.push(
      `<tr><th>pixel RMSE ${esc(r.comparison.of[1])} − ${esc(r.comparison.of[0])}</th><td class="num" colspan="${r.sets.length}">${formatNumber(r.comparison.pixelRmse, 4)}</td></tr>`,
    );
  return `<table class="metrics scores"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * The sample report: one self-contained HTML page (inline CSS, the grids as PNG data URIs, no
 * script, no network) with the image grid of each sample set (one column per class), the
 * per-class classifier agreement, FID/KID with the extractor's accuracy and hash, the pixel RMSE
 * between the ideal and faithful sets with --hardware, the settings and the timings.
 */
export function renderSampleReport(r: SampleRunRecord, grids: readonly SampleGridImage[]): string {
  const s = r.settings;
  const title = `Samples of ${r.model.backbone} UNet: ${s.classes.length} classes × ${s.perClass}`;
  const subtitle = `${esc(s.algorithm)}, ${s.steps} steps, w = ${s.w}, ${r.sets.map((x) => esc(x.name)).join(" and ")} engine${r.sets.length > 1 ? "s" : ""}`;
  const figures = grids.map((g) => {
    const { width, height } = displaySize(g.png);
    return `<figure data-set="${esc(g.name)}"><h3>${esc(g.name)}</h3><img class="grid" width="${width}" height="${height}" alt="${esc(g.name)} samples, one column per class" src="data:image/png;base64,${base64(g.png)}"><figcaption>one column per class (${s.classes.join(", ")}), ${s.perClass} samples each, clipped to [0, 1]</figcaption></figure>`;
  });
  const settings = kv([
    [
      "model",
      r.model.weightsSha256 === undefined
        ? esc(r.model.dir)
        : `${esc(r.model.dir)} (weights sha256 <code>${esc(r.model.weightsSha256.slice(0, 16))}…</code>)`,
    ],
    [
      "backbone",
      `${esc(r.model.backbone)}, n_feat ${r.model.nFeat}, ${r.model.inChannels}×${r.model.imageSize}×${r.model.imageSize} images`,
    ],
    ["schedule", `n_T = ${r.model.nT}, β from ${r.model.betas[0]} to ${r.model.betas[1]} (linear)`],
    ["sampler", `${esc(s.algorithm)}, ${s.steps} steps`],
    ...(s.timesteps ? ([["timesteps τ", esc(s.timesteps.join(", "))]] as [string, string][]) : []),
    ["guidance w", String(s.w)],
    ["batch", `${s.batch} samples per network batch`],
    ...(s.digitalPrecision
      ? ([["digital 3×3 convolutions", esc(s.digitalPrecision)]] as [string, string][])
      : []),
    ["noise", `<code>${esc(JSON.stringify(s.noise))}</code>`],
    ...(s.hardware
      ? ([
          [
            "hardware",
            `${esc(s.hardware.profile)}, mismatch seed ${esc(String(s.hardware.mismatchSeed))}`,
          ],
        ] as [string, string][])
      : []),
    ...r.sets.map(
      (x) =>
        [`engine ${x.name}`, `<code>${esc(JSON.stringify(x.engine))}</code>`] as [string, string],
    ),
  ]);
  const fid = r.fidReference
    ? `<p class="note">FID and KID against the LeNet-5 features of ${r.fidReference.testImages} MNIST test images; extractor test accuracy ${percent(r.fidReference.testAccuracy)}, weights sha256 <code>${esc(r.fidReference.sha256)}</code>. At a few hundred samples FID is biased upwards; KID is unbiased.</p>`
    : "";
  const timings = kv([
    ["loading", seconds(r.timings.loadS)],
    ...(r.timings.referenceS !== undefined
      ? ([["MNIST reference features", seconds(r.timings.referenceS)]] as [string, string][])
      : []),
    ...r.sets.map(
      (x) =>
        [
          `sampling (${x.name})`,
          `${seconds(x.timing.sampleS)}: ${x.timing.imageForwards} image-forwards`,
        ] as [string, string],
    ),
    ["total", seconds(r.timings.totalS)],
  ]);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${REPORT_STYLE}${SAMPLE_STYLE}</style></head>
<body><main>
<header><div class="side"><h1>${esc(title)}</h1><p class="subtitle">${subtitle}</p></div></header>
<h2>Samples</h2>
<div class="grids">${figures.join("")}</div>
<div class="cards">
<section class="card"><h2>Scores</h2>${metricsTable(r)}${fid}</section>
<section class="card"><h2>Classifier agreement per class</h2>${agreementTable(r.sets)}<p class="note">The fraction of samples that the LeNet-5 classifier labels with the class they were conditioned on.</p></section>
<section class="card"><h2>Settings</h2>${settings}</section>
<section class="card"><h2>Timings</h2>${timings}</section>
</div>
<footer>cellspice ${esc(r.cellspiceVersion)}, started ${esc(r.started)}. Files: samples.png, samples.safetensors, summary.json (docs/sampling.md).</footer>
</main></body></html>
`;
}
