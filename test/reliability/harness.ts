/**
 * The reliability suite's harness: runs the built CLI (dist/) as a real child process in its own
 * process group, with a private TMPDIR and a private working directory, and checks afterwards
 * that nothing it started is still running (every descendant inherits a unique marker in its
 * environment, found in /proc) and that no temporary file is left.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIN } from "../cli/cli.js";
import { EDGE_3X3_DOCUMENT } from "../support/arrays.js";

export interface Sandbox {
  /** Private root: `work/` is the cwd, `tmp/` is TMPDIR, `bin/` holds fake executables. */
  readonly root: string;
  readonly work: string;
  readonly tmp: string;
  readonly bin: string;
  /** The environment marker every process of this sandbox inherits. */
  readonly marker: string;
  /** Writes a file under work/ and returns its path. */
  file(name: string, text: string | Uint8Array): string;
  /** Writes an executable shell script under bin/ and returns its path. */
  script(name: string, body: string): string;
  remove(): void;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "cellspice-reliability-"));
  const work = join(root, "work");
  const tmp = join(root, "tmp");
  const bin = join(root, "bin");
  for (const d of [work, tmp, bin]) mkdirSync(d);
  return {
    root,
    work,
    tmp,
    bin,
    marker: `cellspice-test-${randomBytes(6).toString("hex")}`,
    file(name, text) {
      const p = join(work, name);
      writeFileSync(p, text);
      return p;
    },
    script(name, body) {
      const p = join(bin, name);
      writeFileSync(p, `#!/bin/sh\n${body}\n`);
      chmodSync(p, 0o755);
      return p;
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Run {
  readonly child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves once the process has exited: exit code, or 128 + n when killed by signal n. */
  readonly done: Promise<{ code: number; signal: NodeJS.Signals | null }>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Starts `cellspice args…` in its own process group inside the sandbox. */
export function start(box: Sandbox, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: box.work,
    env: { ...process.env, TMPDIR: box.tmp, CELLSPICE_TEST_MARK: box.marker, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const done = new Promise<{ code: number; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) =>
      resolve({ code: code ?? 128 + (SIGNAL_NUMBERS[signal ?? ""] ?? 0), signal }),
    );
  });
  return { child, stderr: () => err, stdout: () => out, done };
}

/** Runs `cellspice args…` to the end. */
export async function cellspice(
  box: Sandbox,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = start(box, args, env);
  const { code } = await r.done;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

/** Pids of live processes carrying the sandbox's marker (ngspice, fakes, their children). */
export function markedProcesses(box: Sandbox): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, "latin1");
      if (!env.includes(box.marker)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      if (/\) Z /.test(stat)) continue; // a zombie has ended; only its parent has not reaped it
      found.push(Number(name));
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

/** Waits until `check` holds (polling), up to `ms`; returns whether it held. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything under the sandbox's TMPDIR (should be empty after every run). */
export function leftoverTemp(box: Sandbox): string[] {
  return readdirSync(box.tmp);
}

/** Files in `dir` whose names mark a temporary sibling of an atomic write. */
export function temporarySiblings(dir: string): string[] {
  return readdirSync(dir).filter((n) => /\.tmp$|cellspice-\d+-/.test(n));
}

/** A fake ngspice: answers `-v` like ngspice 39, then runs `body` with the real arguments. */
export function fakeNgspice(box: Sandbox, name: string, body: string): string {
  return box.script(
    name,
    `if [ "$1" = "-v" ]; then echo "** ngspice-39 : Circuit level simulation program"; exit 0; fi
raw="$4"; netlist="$5"
${body}`,
  );
}

/** The smallest valid array file: a 3×3 edge-detection array. */
export const EDGE_ARRAY = {
  ...EDGE_3X3_DOCUMENT,
  name: "edge",
  initialState: "zero",
  simulation: { T: 2 },
};

/** An array whose own-solver run takes many seconds (rk4, a 120×120 array, tiny steps). */
export function slowArray(): Record<string, unknown> {
  const n = 120;
  return {
    ...EDGE_ARRAY,
    name: "slow",
    rows: n,
    cols: n,
    input: Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => ((i + j) % 2 ? 1 : -1)),
    ),
    simulation: { T: 200, method: "rk4", dt: 1e-3 },
  };
}
