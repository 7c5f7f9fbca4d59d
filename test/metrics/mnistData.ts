import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const LENET_PATH = join(ROOT, "test/fixtures/models/lenet-mnist.safetensors");
export const FIXTURES = join(ROOT, "test/fixtures/metrics");

/**
 * The MNIST directory for tests: $CELLSPICE_MNIST, else ../shared/datasets/mnist beside the
 * repository (where CI has it). Throws — never skips — when neither holds the test images.
 */
export function testMnistDir(): string {
  const fromEnv = process.env.CELLSPICE_MNIST;
  const beside = resolve(ROOT, "../shared/datasets/mnist");
  const dir = fromEnv || beside;
  const probe = ["t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"].some((f) =>
    existsSync(join(dir, f)),
  );
  if (!probe)
    throw new Error(
      `MNIST test images not found in ${dir}: these tests need the IDX files; set CELLSPICE_MNIST=DIR or put them at ${beside}`,
    );
  return dir;
}
