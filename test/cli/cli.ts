/** Runs the built CLI (dist/src/cli/main.js) as a child process. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const MAIN = join(ROOT, "dist/src/cli/main.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Builds the package (tsc -p tsconfig.json → dist/) and fails when tsc fails: a type error
 * anywhere would otherwise leave the tests running an old dist/.
 */
export async function buildOnce(): Promise<void> {
  const out = await new Promise<{ code: number; text: string }>((done) => {
    execFile(
      "npx",
      ["tsc", "-p", "tsconfig.json"],
      { cwd: ROOT, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, text: `${stdout}${stderr}` });
      },
    );
  });
  if (out.code !== 0) {
    const head = out.text.trim().split("\n").slice(0, 20).join("\n");
    throw new Error(`the build failed (tsc exit code ${out.code}):\n${head}`);
  }
  if (!existsSync(MAIN)) throw new Error(`build did not produce ${MAIN}`);
}

export function cli(
  args: string[],
  o: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: o.cwd ?? ROOT, env: { ...process.env, ...o.env }, maxBuffer: 1 << 26 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
