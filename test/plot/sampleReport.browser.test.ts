import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSampleReport } from "../../src/report/sampleReport.js";
import { launchChromium, pngStats, SKIP_BROWSER } from "./browser.js";
import { syntheticGrids, syntheticRecord } from "./sampleRecord.js";

describe.skipIf(SKIP_BROWSER)("the sample report in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const problems: string[] = [];
  const requests: string[] = [];
  const names = ["ideal (cell)", "faithful (circuit)"];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cellspice-sample-report-"));
    const file = join(dir, "report.html");
    writeFileSync(
      file,
      renderSampleReport(
        syntheticRecord([0, 3, 5, 7], 3, true),
        syntheticGrids([0, 3, 5, 7], 3, names),
      ),
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("renders both grids decoded at their size, without console errors or network requests", async () => {
    const sizes = await page.$$eval("img.grid", (imgs) =>
      (imgs as HTMLImageElement[]).map((i) => [
        i.complete,
        i.naturalWidth,
        i.naturalHeight,
        i.getBoundingClientRect().width,
      ]),
    );
    // 4 classes × 3 samples of 28×28, gap 2, ×2: (4·30 + 2)·2 = 244 wide, (3·30 + 2)·2 = 184 high
    expect(sizes).toEqual([
      [true, 244, 184, 244],
      [true, 244, 184, 244],
    ]);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
  });

  it("the grids are not blank: a screenshot of each shows the digits' grey levels", async () => {
    for (const img of await page.locator("img.grid").all()) {
      const stats = await pngStats(page, await img.screenshot());
      // Black background with bright blobs: mostly non-white, many grey levels.
      expect(stats.nonWhite).toBeGreaterThan(0.5);
      expect(stats.colors).toBeGreaterThan(8);
    }
  });

  it("shows the per-class agreement, the scores of both sets and the RMSE", async () => {
    expect(await page.locator("table.agreement tr[data-class]").count()).toBe(4);
    const scores = await page.textContent("table.scores");
    expect(scores).toContain("FID");
    expect(scores).toContain("pixel RMSE faithful (circuit) − ideal (cell)");
    expect(await page.locator("table.scores thead th").count()).toBe(3);
  });
});
