import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/** The Chromium the browser tests drive (Debian's by default). */
export const CHROMIUM = process.env.CELLSPICE_CHROMIUM ?? "/usr/bin/chromium";

/** Browser tests run unless CELLSPICE_SKIP_BROWSER=1; a missing Chromium is a failure, not a skip. */
export const SKIP_BROWSER = process.env.CELLSPICE_SKIP_BROWSER === "1";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium with a fresh profile, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The report tests open the HTML report in a real browser: ` +
        "install it with `apt-get install chromium` (Debian/Ubuntu), or set CELLSPICE_CHROMIUM to a " +
        "Chromium binary, or set CELLSPICE_SKIP_BROWSER=1 to skip these tests.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Pixel statistics of a PNG screenshot, decoded by the browser itself on a canvas: the fraction
 * of pixels that are not (near) white and the number of distinct colours (quantised to 4 bits
 * per channel). A blank page gives 0 and 1.
 */
export async function pngStats(
  page: Page,
  png: Buffer,
): Promise<{ nonWhite: number; colors: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let nonWhite = 0;
    const colors = new Set<number>();
    for (let k = 0; k < px.length; k += 4) {
      if (px[k] < 240 || px[k + 1] < 240 || px[k + 2] < 240) nonWhite++;
      colors.add(((px[k] >> 4) << 8) | ((px[k + 1] >> 4) << 4) | (px[k + 2] >> 4));
    }
    return { nonWhite: nonWhite / (px.length / 4), colors: colors.size };
  }, png.toString("base64"));
}
