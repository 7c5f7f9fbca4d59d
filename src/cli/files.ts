import { constants, openSync, readFileSync, realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Socket } from "node:net";
import { resolve } from "node:path";
import { type ArrayDocument, parseArrayJson } from "../cells/io.js";
import type { SizeLimits } from "../cells/limits.js";
import { attachSource } from "./errorMessage.js";
import { FileError, UsageError } from "./exitCodes.js";
import { errnoReason, writeOutputFile } from "./outputPath.js";

/**
 * The text of a file; FileError (exit 3) when it cannot be read. A FIFO (`<(…)`, `mkfifo`) is
 * read on the event loop, never in the thread pool: a pool thread blocked in open() waiting for
 * a writer would keep the process from exiting, so an interrupt could not end it.
 */
export async function readText(path: string): Promise<string> {
  try {
    if (statSync(path).isFIFO()) return await readFifo(path);
    return await readFile(path, "utf8");
  } catch (e) {
    throw new FileError(path, "read", reason(e));
  }
}

function readFifo(path: string): Promise<string> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("end", () => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

/** Reads and validates an array file (docs/array-format.md); errors name the file and field. */
export async function readArrayFile(path: string, limits?: SizeLimits): Promise<ArrayDocument> {
  const text = await readText(path);
  try {
    return parseArrayJson(text, path, { limits });
  } catch (e) {
    throw attachSource(e, path);
  }
}

/**
 * Writes `data` to `path` atomically (temp file + rename, parent directories created; a link is
 * written through, a FIFO streamed, src/cli/outputPath.ts), refusing to overwrite any of the
 * command's input files (a usage error).
 */
export async function writeOutput(
  path: string,
  data: string,
  inputs: readonly string[] = [],
): Promise<void> {
  guardInputs([path], inputs);
  await writeOutputFile(path, data);
}

/** Throws UsageError when an output path is one of the input files. */
export function guardInputs(outputs: readonly string[], inputs: readonly string[]): void {
  const canon = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const ins = new Set(inputs.map(canon));
  for (const o of outputs) {
    if (ins.has(canon(o))) {
      throw new UsageError(`refusing to overwrite the input file ${o}: choose another output path`);
    }
  }
}

/** Synchronous read for small option files (images). */
export function readTextSync(path: string): string {
  try {
    // A synchronous read of a FIFO would block the thread itself until a writer comes.
    if (statSync(path).isFIFO()) {
      throw new FileError(path, "read", "it is a FIFO: give a regular file");
    }
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(path, "read", reason(e));
  }
}

function reason(e: unknown): string {
  return errnoReason(e);
}
