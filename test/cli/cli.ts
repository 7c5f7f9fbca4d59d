/** Runs the built CLI (dist/src/cli/main.js) as a child process. */
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const MAIN = join(ROOT, "dist/src/cli/main.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Written after a successful build; its time says which sources the build saw. */
const STAMP = join(ROOT, "dist", ".build-stamp");
/** Held (a directory: mkdir is atomic) while one test file builds; the others wait. */
const LOCK = join(ROOT, "dist", ".build-lock");

/** The newest modification time of the sources tsc compiles (src/, tsconfig.json). */
function newestSource(dir = join(ROOT, "src")): number {
  let newest = statSync(join(ROOT, "tsconfig.json")).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    const t = entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function fresh(): boolean {
  return existsSync(STAMP) && existsSync(MAIN) && statSync(STAMP).mtimeMs > newestSource();
}

/**
 * Builds the package (tsc -p tsconfig.json → dist/) and fails when tsc fails: a type error
 * anywhere would otherwise leave the tests running an old dist/. Test files running at the same
 * time build once: one holds a lock and builds, the others wait and then find the build fresh
 * (stamped after every source it compiled).
 */
export async function buildOnce(): Promise<void> {
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than 5 minutes is a dead build's.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const started = Date.now();
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
    // Stamped with the time the build started: a source saved during the build is newer.
    writeFileSync(STAMP, "");
    utimesSync(STAMP, new Date(started), new Date(started));
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
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
