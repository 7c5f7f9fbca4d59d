/**
 * Writes the example report of docs/plots.md: a SYNTHETIC co-simulation (closed-form damped
 * exponentials, no simulator run) rendered by renderReport, opened in headless Chromium, and
 * saved as docs/img/report-example.png (and the HTML to $TMPDIR/cellspice-report-example.html).
 *
 *   npx tsx scripts/report-example.ts
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderReport } from "../src/plot/report.js";
import { launchChromium } from "../test/plot/browser.js";
import { syntheticReport } from "../test/plot/fixtures/syntheticReport.js";

const html = renderReport(syntheticReport());
const htmlPath = join(tmpdir(), "cellspice-report-example.html");
writeFileSync(htmlPath, html);
const browser = await launchChromium();
try {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  await page.goto(`file://${htmlPath}`);
  await page.waitForSelector("#wave-plot svg");
  await page.screenshot({ path: "docs/img/report-example.png", fullPage: true });
  console.log(`wrote docs/img/report-example.png (${html.length} bytes of HTML at ${htmlPath})`);
} finally {
  await browser.close();
}
