/**
 * Runs ngspice on a netlist and returns its checked results.
 *
 * ngspice is an untrusted child process (STYLE.md principle 7): each run gets a fresh temporary
 * directory (always removed), a time limit after which its process group is killed, bounded
 * output capture, and its output is read for the failures that ngspice reports with exit code 0
 * (DESIGN.md §3). A run that failed is thrown as a typed error, never returned as a result.
 */
import { randomBytes } from "node:crypto";
import { access, copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ValidationError } from "../core/errors.js";
import { track } from "../core/liveResources.js";
import { diagnose, failureOf, warningsOf } from "./diagnostics.js";
import {
  IncompleteRunError,
  InvalidResultError,
  MissingVectorError,
  NgspiceFailedError,
  NgspiceNotFoundError,
  RawFileError,
  RawTooLargeError,
  SpiceAbortedError,
  SpiceKilledError,
  SpiceTimeoutError,
} from "./errors.js";
import { runProcess } from "./process.js";
import { type RawFile, type RawPlot, readRawFile } from "./raw.js";
import { ngspiceExecutable, ngspiceVersion } from "./version.js";

export interface RunNgspiceOptions {
  /** Vectors that must be in the checked plot, e.g. `["v(x_0_1_2)", "time"]` (default none). */
  expectVectors?: readonly string[];
  /** The transient's stop time: the checked plot's last time must equal it (default unchecked). */
  tstop?: number;
  /** Relative tolerance of the tstop check (default 1e-6). */
  tstopRelTol?: number;
  /** Which plot to check: the first whose plotname contains this, case-blind (default the last). */
  plot?: string;
  /** Raw file format ngspice writes (default "binary"; "ascii" sets SPICE_ASCIIRAWFILE). */
  format?: "binary" | "ascii";
  /** Time limit in milliseconds (default 120 000; any finite length, src/core/longTimeout.ts). */
  timeoutMs?: number;
  /** The largest raw file (or any file) ngspice may write, in bytes (default 4 GiB). */
  maxRawBytes?: number;
  /** Aborting kills the run. */
  signal?: AbortSignal;
  /** Bytes of stdout and of stderr kept, the last ones (default 1 MiB each). */
  maxOutputBytes?: number;
  /** ngspice executable (default `$CELLSPICE_NGSPICE`, else `ngspice`). */
  executable?: string;
  /** Copy the raw file into this existing directory before the run's directory is removed. */
  keepRawIn?: string;
  /** File name of the netlist inside the run's directory (default "circuit.cir"). */
  netlistName?: string;
  /** Called when ngspice has started: its pid (also its process group) and the run directory. */
  onSpawn?: (info: { pid: number; workDir: string }) => void;
}

export interface NgspiceResult {
  raw: RawFile;
  /** The plot that was checked against `expectVectors` and `tstop`. */
  plot: RawPlot;
  stdout: string;
  stderr: string;
  /** ngspice's "Warning:" lines (e.g. a resistance it changed), not failures in themselves. */
  warnings: string[];
  /** ngspice's version, e.g. "39". */
  version: string;
  executable: string;
  wallTimeMs: number;
  /** Where the raw file was kept (only with `keepRawIn`). */
  rawPath?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT = 1 << 20;
const DEFAULT_MAX_RAW_BYTES = 4 * 2 ** 30;

/** Run directories are `cellspice-ngspice-<pid>-<random>`: the pid tells a dead run's. */
const WORK_DIR_PREFIX = "cellspice-ngspice-";

/** Runs `ngspice -b -n -r <raw> <netlist>` (batch, no .spiceinit, raw output) and checks it. */
export async function runNgspice(
  netlist: string,
  options: RunNgspiceOptions = {},
): Promise<NgspiceResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  checkPositive("timeoutMs", timeoutMs);
  if (options.tstop !== undefined) checkPositive("tstop", options.tstop);
  const tolerance = options.tstopRelTol ?? 1e-6;
  checkPositive("tstopRelTol", tolerance);
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  checkPositive("maxOutputBytes", maxOutputBytes);
  const maxRawBytes = options.maxRawBytes ?? DEFAULT_MAX_RAW_BYTES;
  checkPositive("maxRawBytes", maxRawBytes);
  const netlistName = options.netlistName ?? "circuit.cir";
  if (basename(netlistName) !== netlistName || netlistName.startsWith(".")) {
    throw new ValidationError("netlistName", `"${netlistName}"`, "a plain file name");
  }
  const executable = options.executable ?? ngspiceExecutable();
  const version = await ngspiceVersion(executable);
  if (options.signal?.aborted) throw new SpiceAbortedError(options.signal.reason, { executable });

  await removeStaleWorkDirs();
  const workDir = join(
    tmpdir(),
    `${WORK_DIR_PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`,
  );
  // Tracked before it exists, so that a stop between the two cannot leave it behind.
  const release = track({ kind: "path", path: workDir });
  try {
    await mkdir(workDir, { mode: 0o700 });
    const netlistPath = join(workDir, netlistName);
    const rawPath = join(workDir, "results.raw");
    await writeFile(netlistPath, netlist.endsWith("\n") ? netlist : `${netlist}\n`);
    const env = { ...process.env };
    if (options.format === "ascii") env.SPICE_ASCIIRAWFILE = "1";
    else delete env.SPICE_ASCIIRAWFILE;

    const out = await runProcess(executable, ["-b", "-n", "-r", rawPath, netlistPath], {
      cwd: workDir,
      env,
      timeoutMs,
      signal: options.signal,
      maxOutputBytes,
      onSpawn: (pid) => options.onSpawn?.({ pid, workDir }),
      watchdog: true,
      maxFileBytes: maxRawBytes,
    });
    const details = {
      executable,
      version,
      workDir,
      exitCode: out.exitCode,
      stderrTail: out.stderr.slice(-4000),
    };
    if (out.spawnError) throw new NgspiceNotFoundError(executable, out.spawnError.message);
    if (out.timedOut) throw new SpiceTimeoutError(timeoutMs, details);
    if (out.aborted) throw new SpiceAbortedError(options.signal?.reason, details);
    if (out.fileTooLarge) throw new RawTooLargeError(maxRawBytes, details);
    if (out.signal) throw new SpiceKilledError(out.signal, details);
    const diagnostics = diagnose(out.stdout, out.stderr);
    const failure = failureOf(diagnostics, out.exitCode ?? -1, netlist, details);
    if (failure) throw failure;

    if (!(await exists(rawPath))) {
      throw new RawFileError(
        rawPath,
        undefined,
        "ngspice wrote no raw file although it reported no error: the netlist has no analysis " +
          "(.tran, .op, .dc) or its first line, always the title, held one",
      );
    }
    const raw = await readRawFile(rawPath).catch(async (e) => {
      throw (await noTimePoints(rawPath, options.tstop, details)) ?? e;
    });
    const plot = choosePlot(raw, options.plot);
    checkVectors(plot, options.expectVectors ?? []);
    if (options.tstop !== undefined) checkTstop(plot, options.tstop, tolerance, details);
    checkValues(plot, details);

    let kept: string | undefined;
    if (options.keepRawIn !== undefined) {
      kept = join(options.keepRawIn, `${basename(workDir)}.raw`);
      await copyFile(rawPath, kept);
    }
    return {
      raw,
      plot,
      stdout: out.stdout,
      stderr: out.stderr,
      warnings: warningsOf(diagnostics),
      version,
      executable,
      wallTimeMs: out.wallTimeMs,
      ...(kept === undefined ? {} : { rawPath: kept }),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
    release();
  }
}

/**
 * Removes the run directories of cellspice processes that no longer exist (killed with SIGKILL,
 * which runs no cleanup). A directory whose pid has been reused by a live process stays.
 */
export async function removeStaleWorkDirs(dir = tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^cellspice-ngspice-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * ngspice ends a transient it cannot step (a stop time near its time resolution, about 1e-16 s)
 * with exit code 0 and a raw file of a header declaring 0 points and nothing else.
 */
async function noTimePoints(
  rawPath: string,
  tstop: number | undefined,
  details: Record<string, unknown>,
): Promise<NgspiceFailedError | undefined> {
  const head = await readFile(rawPath)
    .then((b) => b.subarray(0, 4096).toString("latin1"))
    .catch(() => "");
  if (!/^No\. Points:\s+0\s*$/m.test(head) || /^(Binary|Values):/m.test(head)) return undefined;
  const stop = tstop === undefined ? "" : ` (tstop = ${tstop} s)`;
  return new NgspiceFailedError(
    `ngspice computed no time point${stop}: the transient is shorter than ngspice can step ` +
      "(its time resolution is about 1e-16 s). Use a longer T, or a larger scales.tau",
    { ...details, tstop },
  );
}

function checkPositive(field: string, x: number): void {
  if (!(Number.isFinite(x) && x > 0)) {
    throw new ValidationError(field, `${x}`, "a finite number > 0");
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function choosePlot(raw: RawFile, name: string | undefined): RawPlot {
  if (raw.plots.length === 0) throw new RawFileError(raw.file, undefined, "holds no plot");
  if (name === undefined) return raw.plots[raw.plots.length - 1];
  const wanted = name.toLowerCase();
  const plot = raw.plots.find((p) => p.plotname.toLowerCase().includes(wanted));
  if (!plot) {
    const names = raw.plots.map((p) => `"${p.plotname}"`).join(", ");
    throw new RawFileError(raw.file, undefined, `no plot named like "${name}" (has ${names})`);
  }
  return plot;
}

function checkVectors(plot: RawPlot, expected: readonly string[]): void {
  const missing = expected.filter((name) => !plot.has(name));
  if (missing.length > 0) {
    throw new MissingVectorError(missing, [...plot.data.keys()], plot.plotname);
  }
}

function checkTstop(
  plot: RawPlot,
  tstop: number,
  tolerance: number,
  details: Record<string, unknown>,
): void {
  const time = plot.time;
  if (!time) throw new MissingVectorError(["time"], [...plot.data.keys()], plot.plotname);
  const tEnd = time.length > 0 ? time[time.length - 1] : undefined;
  if (tEnd === undefined || !(Math.abs(tEnd - tstop) <= tolerance * tstop)) {
    throw new IncompleteRunError(tEnd, tstop, { ...details, points: plot.points });
  }
}

/** Magnitudes at or above this are not physical: ngspice's exp() overflow gives 1e99. */
const MAX_PHYSICAL = 1e90;

function checkValues(plot: RawPlot, details: Record<string, unknown>): void {
  const time = plot.time;
  for (const [name, values] of plot.data) {
    for (let p = 0; p < values.length; p++) {
      const x = values[p];
      if (!(Math.abs(x) < MAX_PHYSICAL)) {
        throw new InvalidResultError(name, time?.[p], x, { ...details, plotname: plot.plotname });
      }
    }
  }
}
