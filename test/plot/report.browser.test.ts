import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/plot/report.js";
import { launchChromium, pngStats, SKIP_BROWSER } from "./browser.js";
import { syntheticReport } from "./fixtures/syntheticReport.js";

describe.skipIf(SKIP_BROWSER)("renderReport in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cellspice-report-"));
    const file = join(dir, "report.html");
    writeFileSync(file, renderReport(syntheticReport(12, 12, 2, 301)));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    await page.waitForSelector("#wave-plot svg polyline");
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("renders every plot with a non-empty box, without console errors or network requests", async () => {
    const boxes = await page.$$eval("svg", (svgs) =>
      svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return [r.width, r.height];
      }),
    );
    // 3 heat maps × 2 channels, the image grid, the waveforms, the memristor panel
    expect(boxes.length).toBe(9);
    for (const [w, h] of boxes) {
      expect(w).toBeGreaterThan(100);
      expect(h).toBeGreaterThan(100);
    }
    expect(await page.locator("polyline.wf-cellspice").count()).toBe(1);
    expect(await page.locator("polyline.wf-ngspice").count()).toBe(1);
    expect(await page.locator("polyline.mem-iv").count()).toBe(1);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
  });

  it("selecting a cell with the <select>s redraws its waveforms", async () => {
    const before = await page.getAttribute("polyline.wf-cellspice", "points");
    const heading = await page.textContent("#wave-heading");
    await page.selectOption("#pick-channel", "1");
    await page.selectOption("#pick-row", "5");
    await page.selectOption("#pick-col", "6");
    expect(await page.textContent("#wave-heading")).toContain("Cell (1, 5, 6)");
    expect(await page.textContent("#wave-heading")).not.toBe(heading);
    expect(await page.getAttribute("polyline.wf-cellspice", "points")).not.toBe(before);
    expect(await page.getAttribute("body", "data-selected-cell")).toBe(
      String((1 * 12 + 5) * 12 + 6),
    );
  });

  it("clicking a heat-map cell or a worst-cells row selects that cell", async () => {
    const before = await page.getAttribute("polyline.wf-ngspice", "points");
    await page.click('#heat-err-0 rect.cell[data-cell="3"]');
    expect(await page.textContent("#wave-heading")).toContain("Cell (0, 0, 3)");
    expect(await page.inputValue("#pick-col")).toBe("3");
    expect(await page.getAttribute("polyline.wf-ngspice", "points")).not.toBe(before);
    expect(await page.locator(".cs-highlight").count()).toBe(3);
    const row = page.locator("#worst-cells tbody tr").nth(1);
    const cell = await row.getAttribute("data-cell");
    await row.click();
    expect(await page.getAttribute("body", "data-selected-cell")).toBe(cell);
    expect(problems).toEqual([]);
  });

  it("a non-finite ngspice sample splits the drawn line and marks the cell, without page errors", async () => {
    const d = syntheticReport(4, 4, 1, 51);
    const ng = Float64Array.from(d.waveforms.ngspice as Float64Array);
    ng[20 * 16 + 3] = Number.NaN;
    const file = join(dir, "nan.html");
    writeFileSync(
      file,
      renderReport({ ...d, waveforms: { cellspice: d.waveforms.cellspice, ngspice: ng } }),
    );
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await p.goto(`file://${file}`);
    await p.click('#heat-err-0 rect.cell[data-cell="3"]');
    expect(await p.textContent("#wave-heading")).toContain("not finite");
    expect(await p.locator("polyline.wf-ngspice").count()).toBe(2);
    expect(await p.locator("polyline.wf-cellspice").count()).toBe(1);
    expect(await p.locator('#heat-err-0 rect.cell[data-cell="3"]').getAttribute("fill")).toBe(
      "#bdbdbd",
    );
    await p.close();
    expect(errors).toEqual([]);
  });

  it("a screenshot of the report is not blank (and the check fails on a blank page)", async () => {
    const shot = await page.screenshot({ fullPage: false });
    const stats = await pngStats(page, shot);
    expect(stats.nonWhite).toBeGreaterThan(0.05);
    expect(stats.colors).toBeGreaterThan(50);

    const blank = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await blank.setContent("<html><body style='background:#fff'></body></html>");
    const empty = await pngStats(blank, await blank.screenshot());
    await blank.close();
    expect(empty.nonWhite).toBe(0);
    expect(empty.colors).toBe(1);
  });
});
