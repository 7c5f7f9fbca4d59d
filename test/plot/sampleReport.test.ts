import { describe, expect, it } from "vitest";
import { renderSampleReport } from "../../src/report/sampleReport.js";
import { sampleSummaryJson } from "../../src/report/sampleSummary.js";
import { syntheticGrids, syntheticRecord } from "./sampleRecord.js";

describe("renderSampleReport", () => {
  it("renderSampleReport embeds each grid, the per-class agreement, FID/KID with the extractor", () => {
    const r = syntheticRecord([0, 3, 5], 2, false);
    const html = renderSampleReport(r, syntheticGrids([0, 3, 5], 2, ["trained"]));
    expect(html.match(/<img class="grid"[^>]*src="data:image\/png;base64,/g)).toHaveLength(1);
    expect(html.match(/<tr data-class="\d+">/g)).toHaveLength(3);
    expect(html).toContain("1/2 (50.0 %)");
    expect(html).toContain("extractor test accuracy 98.6 %");
    expect(html).toContain("8452eb06");
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it("renderSampleReport with --hardware shows both sets side by side and their pixel RMSE", () => {
    const names = ["ideal (cell)", "faithful (circuit)"];
    const html = renderSampleReport(
      syntheticRecord([1, 2], 3, true),
      syntheticGrids([1, 2], 3, names),
    );
    expect(html.match(/<figure data-set=/g)).toHaveLength(2);
    expect(html).toContain("pixel RMSE faithful (circuit) − ideal (cell)");
    expect(html).toContain("mismatch seed 3");
  });

  it("sampleSummaryJson writes non-finite numbers as strings, so the file stays JSON", () => {
    const r = syntheticRecord([0], 1, false);
    const text = sampleSummaryJson({
      ...r,
      sets: [{ ...r.sets[0], scores: { ...r.sets[0].scores, fid: Number.NaN } }],
    });
    expect(JSON.parse(text).sets[0].scores.fid).toBe("NaN");
  });
});
