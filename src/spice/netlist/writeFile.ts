import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Netlist, type NetlistStream, netlistLines } from "./model.js";

/** What a streamed write produced. */
export interface WrittenNetlist {
  path: string;
  bytes: number;
  /** Cards written (a PWL card continued on `+` lines counts once). */
  cards: number;
}

/**
 * Writes a netlist to `path` as a stream: lines are rendered one at a time and handed to the
 * file in chunks of about 64 KiB, waiting for the stream to drain, so memory stays bounded by a
 * chunk whatever the size of the text (a whole trained layer is millions of cards). The text
 * goes to a temporary file beside `path`, renamed over it at the end: a reader never sees a
 * half-written netlist, and a failed write leaves no file. The bytes are `renderNetlist`'s.
 */
export async function writeNetlistFile(
  path: string,
  netlist: Netlist | NetlistStream,
  options: { signal?: AbortSignal } = {},
): Promise<WrittenNetlist> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp);
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  failed.catch(() => {});
  const write = async (text: string) => {
    if (!out.write(text))
      await Promise.race([new Promise<void>((r) => out.once("drain", () => r())), failed]);
  };
  let bytes = 0;
  let cards = 0;
  try {
    let chunk = "";
    for (const line of netlistLines(netlist)) {
      chunk += `${line}\n`;
      cards++;
      if (chunk.length >= 1 << 16) {
        options.signal?.throwIfAborted();
        bytes += Buffer.byteLength(chunk);
        await write(chunk);
        chunk = "";
      }
    }
    bytes += Buffer.byteLength(chunk);
    await write(chunk);
    await Promise.race([new Promise<void>((r) => out.end(r)), failed]);
    await rename(tmp, path);
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
  return { path, bytes, cards };
}
