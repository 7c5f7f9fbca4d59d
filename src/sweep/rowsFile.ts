/**
 * The rows file of a sweep: JSON Lines, one line per finished job, keyed by the job's key.
 *
 *   {"key":…,"kind":…,"seed":…,"params":{…},"status":"done","row":{…},"run":{…}}
 *   {"key":…,"kind":…,"seed":…,"params":{…},"status":"failed","error":{…},"run":{…}}
 *
 * Nothing is lost and nothing doubled: a line is appended with one write of the whole line and
 * an fsync before the job counts as finished; a key already in the file is never written again.
 * A process killed mid-write (kill -9, power loss) leaves at most a torn last line, which
 * `openRowsFile` drops (the job is then redone). One writer at a time: a lock file beside the
 * rows (`FILE.lock`, the writer's host and pid) refuses a second sweep on the same file and is
 * taken over when its process is gone.
 */
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { ValidationError } from "../core/errors.js";
import type { SweepRow } from "./jobKind.js";
import type { JobError, RunInfo } from "./outcome.js";

/** One line of a rows file. */
export interface RowLine {
  readonly key: string;
  readonly kind: string;
  readonly seed: number | string;
  readonly params: Record<string, unknown>;
  readonly status: "done" | "failed";
  readonly row?: SweepRow;
  readonly error?: JobError;
  readonly run: RunInfo;
}

export interface RowsContent {
  /** The lines by key, in file order. */
  readonly lines: Map<string, RowLine>;
  /** Bytes of the file that hold whole lines (a torn tail excluded). */
  readonly validBytes: number;
  /** Whether a torn last line was found (and, when opened for writing, dropped). */
  readonly torn: boolean;
}

/** Reads a rows file without changing it; a missing file has no lines. */
export function readRows(path: string): RowsContent {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      return { lines: new Map(), validBytes: 0, torn: false };
    throw e;
  }
  const lines = new Map<string, RowLine>();
  let at = 0;
  let lineNo = 0;
  while (at < data.length) {
    const end = data.indexOf(0x0a, at);
    lineNo++;
    const last = end < 0 || end === data.length - 1;
    const text = data.subarray(at, end < 0 ? data.length : end).toString("utf8");
    const line = end < 0 ? undefined : parseLine(text);
    if (line === undefined) {
      // A torn tail: the last line without its newline, or unreadable (zeros after a crash).
      if (last) return { lines, validBytes: at, torn: true };
      throw new ValidationError(
        `${path}:${lineNo}`,
        "not a rows line (a damaged rows file)",
        "one JSON object per line with key, status and row or error",
      );
    }
    lines.set(line.key, line);
    at = end + 1;
  }
  return { lines, validBytes: at, torn: false };
}

function parseLine(text: string): RowLine | undefined {
  try {
    const v = JSON.parse(text) as RowLine;
    if (typeof v?.key !== "string" || (v.status !== "done" && v.status !== "failed"))
      return undefined;
    return v;
  } catch {
    return undefined;
  }
}

export interface RowsWriter extends RowsContent {
  readonly path: string;
  /** Appends a line unless its key is already there; returns whether it was written. */
  append(line: RowLine): boolean;
  /** Rewrites the file atomically with only the lines of `keys`, in that order. */
  rewrite(keys: readonly string[]): void;
  /** Releases the file (and its lock). */
  close(): void;
}

/**
 * Opens a rows file for a sweep: takes its lock, drops a torn last line, and returns the lines
 * already there and an appender.
 */
export function openRowsFile(path: string): RowsWriter {
  mkdirSync(dirname(path), { recursive: true });
  const unlock = lockRows(path);
  try {
    const content = readRows(path);
    let fd = openSync(path, "a");
    if (content.torn) {
      ftruncateSync(fd, content.validBytes);
      fsyncSync(fd);
    }
    syncDirectory(dirname(path));
    const lines = content.lines;
    return {
      path,
      lines,
      validBytes: content.validBytes,
      torn: content.torn,
      append(line) {
        if (lines.has(line.key)) return false;
        writeWhole(fd, Buffer.from(`${JSON.stringify(line)}\n`, "utf8"));
        fsyncSync(fd);
        lines.set(line.key, line);
        return true;
      },
      rewrite(keys) {
        const text = keys
          .flatMap((k) => {
            const line = lines.get(k);
            return line === undefined ? [] : [`${JSON.stringify(line)}\n`];
          })
          .join("");
        const tmp = `${path}.${process.pid}.tmp`;
        const tmpFd = openSync(tmp, "w");
        try {
          writeWhole(tmpFd, Buffer.from(text, "utf8"));
          fsyncSync(tmpFd);
        } finally {
          closeSync(tmpFd);
        }
        closeSync(fd);
        renameSync(tmp, path);
        syncDirectory(dirname(path));
        fd = openSync(path, "a");
        const kept = new Set(keys);
        for (const k of [...lines.keys()]) if (!kept.has(k)) lines.delete(k);
      },
      close() {
        closeSync(fd);
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

/** One write(2) of the whole buffer (a regular file takes it whole; loop only on a short write). */
function writeWhole(fd: number, data: Buffer): void {
  let at = 0;
  while (at < data.length) at += writeSync(fd, data, at, data.length - at);
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is then as durable as it gets.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface LockOwner {
  host: string;
  pid: number;
  since: string;
}

/** The owner of a rows file's lock, if a live process holds it. */
export function rowsLockOwner(path: string): LockOwner | undefined {
  let owner: LockOwner;
  try {
    owner = JSON.parse(readFileSync(`${path}.lock`, "utf8")) as LockOwner;
  } catch {
    return undefined;
  }
  if (owner.host === hostname() && !processAlive(owner.pid)) return undefined;
  return owner;
}

function lockRows(path: string): () => void {
  const lock = `${path}.lock`;
  const me: LockOwner = { host: hostname(), pid: process.pid, since: new Date().toISOString() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(lock, JSON.stringify(me), { flag: "wx" });
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = rowsLockOwner(path);
    if (owner !== undefined) {
      throw new ValidationError(
        "--out",
        `${path} is being written by another sweep (pid ${owner.pid} on ${owner.host}, since ${owner.since})`,
        `a rows file no running sweep writes (if that process is gone, delete ${lock})`,
      );
    }
    rmSync(lock, { force: true }); // stale: its process is gone
  }
  throw new ValidationError("--out", `cannot take the lock ${lock}`, "a writable directory");
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
