/**
 * Where `-o FILE` and `--out-dir DIR` really write, and writing there without ever leaving half
 * a file or half a directory (docs/cli.md, "Output files"):
 *
 * - a new path or a regular file: written to a temporary sibling, then renamed over it;
 * - a symbolic link: written through to the file it points to (the link stays a link), by the
 *   same rule; a dangling link creates its target;
 * - a FIFO, a terminal or another character device: written to directly (a stream has no "old
 *   content" to keep); `/dev/stdout` and `/dev/stderr` are this process's own streams, whatever
 *   they are (a pipe, a socket, a terminal);
 * - a directory, a socket, or a path through a regular file (`afile/x.csv`): refused
 *   (FileError, exit 3) before anything is written.
 *
 * Temporary paths are tracked (src/core/liveResources.ts) so that an interrupt removes them.
 */
import { randomBytes } from "node:crypto";
import { constants, lstatSync, openSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { Socket } from "node:net";
import { basename, dirname, join, resolve } from "node:path";
import { track } from "../core/liveResources.js";
import { FileError } from "./exitCodes.js";

export type OutputTarget =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "stream"; readonly path: string };

/** What writing to `path` means (see above); FileError when it is refused. */
export function outputTarget(path: string): OutputTarget {
  const abs = resolve(path);
  checkParents(path, dirname(abs));
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(abs); // follows links, also /proc's (`/dev/stdout` → /proc/self/fd/1 → a pipe)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "file", path: danglingTarget(path, abs) };
    if (code === "ENOTDIR") throw notThroughFile(path, dirname(abs));
    if (code === "ELOOP") throw new FileError(path, "write", "too many levels of symbolic links");
    throw new FileError(path, "write", errnoReason(e));
  }
  if (st.isFile()) return { kind: "file", path: realpathSync(abs) };
  if (st.isDirectory()) {
    throw new FileError(path, "write", "it is a directory: give a file name inside it");
  }
  if (st.isFIFO() || st.isCharacterDevice()) return { kind: "stream", path: abs };
  throw new FileError(path, "write", "it is neither a file nor a stream (a socket or device)");
}

/** The path a missing file, or a chain of links ending at a missing file, creates. */
function danglingTarget(given: string, abs: string): string {
  let p = abs;
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!lstatSync(p).isSymbolicLink()) return p;
    } catch {
      checkParents(given, dirname(p));
      return p;
    }
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw new FileError(given, "write", "too many levels of symbolic links");
}

/** Refuses a parent directory that is an existing non-directory (`afile/x.csv`). */
function checkParents(given: string, dir: string): void {
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (!statSync(d).isDirectory()) throw notThroughFile(given, d);
      return;
    } catch (e) {
      if (e instanceof FileError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR") throw notThroughFile(given, dirname(d));
      if (code !== "ENOENT") throw new FileError(given, "write", (e as Error).message);
    }
    if (dirname(d) === d) return;
  }
}

function notThroughFile(given: string, file: string): FileError {
  return new FileError(given, "write", `${file} is a file, not a directory`);
}

/**
 * Writes to a FIFO or character device on the event loop, never in the thread pool: a FIFO
 * nobody reads would otherwise block a pool thread in open() or write(), and a process cannot
 * exit while a pool thread is blocked (so an interrupt could not end it). The FIFO is opened
 * non-blocking, retried every 50 ms until a reader comes.
 */
async function writeStream(path: string, data: string | Uint8Array): Promise<void> {
  if (!statSync(path).isFIFO()) {
    await writeFile(path, data);
    return;
  }
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENXIO") throw e; // ENXIO: no reader yet
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const socket = new Socket({ fd, readable: false, writable: true });
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.end(data, () => resolve());
  });
  socket.destroy();
}

/** A fresh temporary sibling of `path`, tracked until `release`. */
function temporarySibling(path: string): { tmp: string; release: () => void } {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.cellspice-${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
  );
  return { tmp, release: track({ kind: "path", path: tmp }) };
}

/** This process's own stdout or stderr named as a path, whatever it is (a pipe, a socket). */
function standardStream(path: string): NodeJS.WriteStream | undefined {
  const p = resolve(path);
  if (["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"].includes(p)) return process.stdout;
  if (["/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"].includes(p)) return process.stderr;
  return undefined;
}

/** Writes `data` to `path` by the rules above. Errors are FileErrors naming `path`. */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  const std = standardStream(path);
  if (std) {
    // Through the stream itself: /dev/stdout cannot be opened when it is a socket.
    await new Promise<void>((done, fail) => std.write(data, (e) => (e ? fail(e) : done())));
    return;
  }
  const target = outputTarget(path);
  try {
    if (target.kind === "stream") {
      await writeStream(target.path, data);
      return;
    }
    await mkdir(dirname(target.path), { recursive: true });
    const { tmp, release } = temporarySibling(target.path);
    try {
      await writeFile(tmp, data);
      await rename(tmp, target.path);
    } finally {
      await rm(tmp, { force: true });
      release();
    }
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(path, "write", errnoReason(e));
  }
}

/**
 * Fills a whole output directory at once: `fill` writes into a temporary sibling of `dir`,
 * whose files then replace their namesakes in `dir` (other files in `dir` are kept). If `fill`
 * fails nothing in `dir` has changed; if a rename fails the files already moved are put back.
 * Refuses (before `fill` runs) a `dir` that is a file, and a `name` in `dir` that is a
 * directory. Returns `fill`'s result with paths under the temporary directory mapped to `dir`.
 */
export async function writeOutputDirectory<T>(
  dir: string,
  names: readonly string[],
  fill: (tmpDir: string) => Promise<T>,
): Promise<T> {
  const target = resolve(dir);
  checkParents(dir, target);
  try {
    if (!(await stat(target)).isDirectory()) throw notThroughFile(dir, target);
  } catch (e) {
    if (e instanceof FileError) throw e;
  }
  for (const name of names) {
    try {
      if ((await stat(join(target, name))).isDirectory()) {
        throw new FileError(join(dir, name), "write", "it is a directory");
      }
    } catch (e) {
      if (e instanceof FileError) throw e;
    }
  }
  await mkdir(dirname(target), { recursive: true }).catch((e) => {
    throw new FileError(dir, "write", errnoReason(e));
  });
  const { tmp, release } = temporarySibling(target);
  try {
    await mkdir(tmp);
    const result = await fill(tmp);
    await moveInto(tmp, target, dir);
    return remap(result, tmp, dir) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("E") && !(e instanceof FileError)) {
      const file = (e as NodeJS.ErrnoException).path;
      throw new FileError(
        file ? join(dir, file.startsWith(tmp) ? file.slice(tmp.length + 1) : basename(file)) : dir,
        "write",
        errnoReason(e),
      );
    }
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    release();
  }
}

/** Moves every file of `from` into `to`, undoing the moves already made if one fails. */
async function moveInto(from: string, to: string, shown: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const names = await readdir(from);
  const backups = new Map<string, string>();
  const moved: string[] = [];
  try {
    for (const name of names) {
      const dest = join(to, name);
      const backup = join(from, `.old-${name}`);
      try {
        await rename(dest, backup);
        backups.set(name, backup);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      await rename(join(from, name), dest);
      moved.push(name);
    }
  } catch (e) {
    for (const name of moved.reverse()) await rm(join(to, name), { force: true });
    for (const [name, backup] of backups) await rename(backup, join(to, name)).catch(() => {});
    throw new FileError(join(shown, names[moved.length] ?? ""), "write", errnoReason(e));
  }
}

function remap(value: unknown, from: string, shown: string): unknown {
  if (typeof value === "string") {
    return value.startsWith(from) ? join(shown, value.slice(from.length + 1)) : value;
  }
  if (Array.isArray(value)) return value.map((v) => remap(v, from, shown));
  if (
    value !== null &&
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remap(v, from, shown)]));
  }
  return value;
}

/** A short reason for a failed file operation. */
export function errnoReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "ENOENT") return "no such file or directory";
  if (err?.code === "EISDIR") return "it is a directory";
  if (err?.code === "ENOTDIR") return "a part of the path is a file, not a directory";
  if (err?.code === "EEXIST") return "a part of the path exists and is not a directory";
  if (err?.code === "EACCES" || err?.code === "EPERM") return "permission denied";
  if (err?.code === "ENOSPC") return "no space left on the device";
  return err?.message ?? String(e);
}
