/** Which ngspice cellspice runs, and its version (recorded with every result). */
import { accessSync, constants, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { NgspiceFailedError, NgspiceNotFoundError } from "./errors.js";
import { runProcess } from "./process.js";

/**
 * The ngspice executable: `$CELLSPICE_NGSPICE`, else `ngspice` on the PATH. A set but empty
 * (or blank) variable names no program: NgspiceNotFoundError.
 */
export function ngspiceExecutable(): string {
  const named = process.env.CELLSPICE_NGSPICE;
  if (named === undefined) return "ngspice";
  if (named.trim() === "") {
    throw new NgspiceNotFoundError(
      named,
      "CELLSPICE_NGSPICE is set but empty; unset it to use ngspice from the PATH",
    );
  }
  return named;
}

/** How long `ngspice -v` may take by default. */
const VERSION_TIMEOUT_MS = 10_000;

const cache = new Map<string, Promise<string>>();

/**
 * The version of `executable` as ngspice prints it with `-v` (e.g. "39" for "** ngspice-39 :"),
 * asked once per executable and cached. Throws NgspiceNotFoundError when it cannot be started.
 */
export function ngspiceVersion(
  executable = ngspiceExecutable(),
  timeoutMs = VERSION_TIMEOUT_MS,
): Promise<string> {
  let version = cache.get(executable);
  if (!version) {
    version = detectVersion(executable, timeoutMs);
    cache.set(executable, version);
    // A failure is not cached: the user may install ngspice and try again.
    version.catch(() => cache.delete(executable));
  }
  return version;
}

/**
 * Why `executable` cannot be started, checked before spawning it (the watchdog wrapper would
 * otherwise report a missing program as a shell's "not found"): undefined when it can.
 */
function whyNotRunnable(executable: string): string | undefined {
  const candidates = executable.includes("/")
    ? [executable]
    : (process.env.PATH ?? "")
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, executable));
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) continue;
      accessSync(c, constants.X_OK);
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EACCES" && executable.includes("/"))
        return `${executable} is not executable (permission denied)`;
    }
  }
  return executable.includes("/")
    ? `no such file: ${executable}`
    : `no "${executable}" on the PATH`;
}

async function detectVersion(executable: string, timeoutMs: number): Promise<string> {
  const why = whyNotRunnable(executable);
  if (why !== undefined) throw new NgspiceNotFoundError(executable, why);
  const out = await runProcess(executable, ["-v"], {
    cwd: tmpdir(),
    env: process.env,
    timeoutMs,
    maxOutputBytes: 64 * 1024,
    watchdog: true,
  });
  if (out.spawnError) throw new NgspiceNotFoundError(executable, out.spawnError.message);
  if (out.timedOut) {
    throw new NgspiceFailedError(
      `"${executable} -v" printed no version within ${timeoutMs / 1000} s and was ` +
        "killed: is CELLSPICE_NGSPICE an ngspice that runs in batch mode?",
      { executable, timedOut: true, stdout: out.stdout.slice(-2000) },
    );
  }
  // Under the watchdog wrapper (src/spice/process.ts) the shell reports a missing program (127)
  // or one it may not run (126).
  if (
    (out.exitCode === 127 || out.exitCode === 126) &&
    /not found|denied|cannot execute/i.test(out.stderr)
  ) {
    throw new NgspiceNotFoundError(executable, out.stderr.trim().split("\n").pop() ?? "not found");
  }
  const m = /ngspice-(\S+?)\s*:/.exec(out.stdout) ?? /ngspice[- ]([0-9][\w.+-]*)/i.exec(out.stdout);
  if (out.exitCode !== 0 || !m) {
    throw new NgspiceFailedError(
      `"${executable} -v" did not print an ngspice version (${out.signal ? `killed by ${out.signal}` : `exit code ${out.exitCode}`})`,
      { executable, stdout: out.stdout.slice(-2000), stderr: out.stderr.slice(-2000) },
    );
  }
  return m[1];
}
