/** Which ngspice cellspice runs, and its version (recorded with every result). */
import { tmpdir } from "node:os";
import { NgspiceFailedError, NgspiceNotFoundError } from "./errors.js";
import { runProcess } from "./process.js";

/** The ngspice executable: `$CELLSPICE_NGSPICE`, else `ngspice` on the PATH. */
export function ngspiceExecutable(): string {
  return process.env.CELLSPICE_NGSPICE ?? "ngspice";
}

const cache = new Map<string, Promise<string>>();

/**
 * The version of `executable` as ngspice prints it with `-v` (e.g. "39" for "** ngspice-39 :"),
 * asked once per executable and cached. Throws NgspiceNotFoundError when it cannot be started.
 */
export function ngspiceVersion(executable = ngspiceExecutable()): Promise<string> {
  let version = cache.get(executable);
  if (!version) {
    version = detectVersion(executable);
    cache.set(executable, version);
    // A failure is not cached: the user may install ngspice and try again.
    version.catch(() => cache.delete(executable));
  }
  return version;
}

async function detectVersion(executable: string): Promise<string> {
  const out = await runProcess(executable, ["-v"], {
    cwd: tmpdir(),
    env: process.env,
    timeoutMs: 10_000,
    maxOutputBytes: 64 * 1024,
  });
  if (out.spawnError) throw new NgspiceNotFoundError(executable, out.spawnError.message);
  const m = /ngspice-(\S+?)\s*:/.exec(out.stdout) ?? /ngspice[- ]([0-9][\w.+-]*)/i.exec(out.stdout);
  if (out.exitCode !== 0 || !m) {
    throw new NgspiceFailedError(
      `"${executable} -v" did not print an ngspice version (exit code ${out.exitCode})`,
      { executable, stdout: out.stdout.slice(-2000), stderr: out.stderr.slice(-2000) },
    );
  }
  return m[1];
}
