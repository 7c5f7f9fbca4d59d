/** Option values of `cellspice sample` (src/cli/commands/sample.ts): parsed, validated, errors naming the option. */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "../../core/errors.js";
import { type NoiseSource, seededNoise, suppliedNoise } from "../../diffusion/index.js";
import { parseSafetensors } from "../../trained/safetensors.js";
import type { Unet } from "../../unet/index.js";
import { attachSource } from "../errorMessage.js";

/** The LeNet-5 weights committed with cellspice (training/classifier.py). */
export function defaultClassifier(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++, dir = dirname(dir)) {
    const p = join(dir, "test", "fixtures", "models", "lenet-mnist.safetensors");
    try {
      readFileSync(join(dir, "package.json"));
      return p;
    } catch {
      // not the package root: one directory up
    }
  }
  return "lenet-mnist.safetensors";
}

/** "0-9", "3", "0,3,5", "1-3,7" → the classes in the order given; each once, each < nClasses. */
export function parseClasses(text: string, nClasses: number): number[] {
  const valid = `classes 0…${nClasses - 1} of the model, each once: e.g. 0-${nClasses - 1}, 3 or 0,3,5`;
  const out: number[] = [];
  for (const part of text.split(",").map((s) => s.trim())) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new ValidationError("--classes", `cannot read ${JSON.stringify(part)}`, valid);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new ValidationError("--classes", `range ${part} runs backwards`, valid);
    for (let c = a; c <= b; c++) {
      if (c >= nClasses)
        throw new ValidationError("--classes", `class ${c} is not in the model`, valid);
      if (out.includes(c))
        throw new ValidationError("--classes", `class ${c} is given twice`, valid);
      out.push(c);
    }
  }
  return out;
}

/** An integer option value, or ValidationError (exit 3) naming the option. */
export function integerOption(
  option: string,
  text: string,
  lo: number,
  hi: number,
  valid?: string,
): number {
  const x = Number(text);
  if (!(/^\s*-?\d+\s*$/.test(text) && x >= lo && x <= hi))
    throw new ValidationError(option, `got ${text}`, valid ?? `an integer in ${lo}…${hi}`);
  return x;
}

export function numberOption(
  option: string,
  text: string,
  valid: string,
  ok: (x: number) => boolean,
): number {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || !ok(x))
    throw new ValidationError(option, `got ${text}`, valid);
  return x;
}

/** The noise of the run: seeded (docs/sampling.md), or read from --noise FILE. */
export function runNoise(
  noiseFile: string | undefined,
  seed: number,
  classes: number[],
  perClass: number,
  unet: Unet,
  zSteps: number,
): NoiseSource {
  const pixels = unet.inChannels * unet.imageSize * unet.imageSize;
  const ids = classes.flatMap((cls) =>
    Array.from({ length: perClass }, (_, index) => ({ cls, index })),
  );
  if (!noiseFile) return seededNoise(seed, ids, pixels);
  const file = noiseFile;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ValidationError(
      "--noise",
      `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? e})`,
      "a safetensors file with x_T (N×C×H×W F32) and, for ddpm, z (steps×N×C×H×W F32)",
    );
  }
  try {
    const { tensors } = parseSafetensors(bytes, file);
    const shape = {
      batch: ids.length,
      channels: unet.inChannels,
      rows: unet.imageSize,
      cols: unet.imageSize,
    };
    const noise = suppliedNoise({ x_T: tensors.get("x_T"), z: tensors.get("z") }, shape, zSteps);
    return { ...noise, describe: () => ({ ...noise.describe(), file: resolve(file) }) };
  } catch (e) {
    throw attachSource(e, file);
  }
}
