import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRowsFile, type RowLine, readRows } from "../../src/sweep/rowsFile.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cellspice-rows-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (key: string, x: number): RowLine => ({
  key,
  kind: "simulate",
  seed: 1,
  params: { x },
  status: "done",
  row: { x, third: x / 3 },
  run: { executor: "inprocess", worker: "w", attempt: 1, ms: 1 },
});

describe("openRowsFile", () => {
  it("append(line) writes one whole line per key and refuses a second line for a key", () => {
    const path = join(dir, "rows.jsonl");
    const rows = openRowsFile(path);
    expect(rows.append(line("a", 1))).toBe(true);
    expect(rows.append(line("b", 2))).toBe(true);
    expect(rows.append(line("a", 3))).toBe(false);
    rows.close();
    const text = readFileSync(path, "utf8");
    expect(text.split("\n")).toHaveLength(3);
    expect(text.endsWith("\n")).toBe(true);
    const back = readRows(path);
    expect([...back.lines.keys()]).toEqual(["a", "b"]);
    expect(back.lines.get("a")?.row).toEqual({ x: 1, third: 1 / 3 });
  });

  it("drops a torn last line (a writer killed mid-line) and appends after the whole lines", () => {
    const path = join(dir, "rows.jsonl");
    const rows = openRowsFile(path);
    rows.append(line("a", 1));
    rows.close();
    appendFileSync(path, JSON.stringify(line("b", 2)).slice(0, 25));
    expect(readRows(path).torn).toBe(true);
    const again = openRowsFile(path);
    expect(again.torn).toBe(true);
    expect([...again.lines.keys()]).toEqual(["a"]);
    again.append(line("b", 2));
    again.close();
    expect(readRows(path)).toMatchObject({ torn: false });
    expect([...readRows(path).lines.keys()]).toEqual(["a", "b"]);
  });

  it("refuses a damaged line that is not the last, naming the file and line", () => {
    const path = join(dir, "rows.jsonl");
    writeFileSync(
      path,
      `${JSON.stringify(line("a", 1))}\n{"key":\n${JSON.stringify(line("b", 2))}\n`,
    );
    expect(() => openRowsFile(path)).toThrow(/rows\.jsonl:2: not a rows line/);
  });

  it("rewrite(keys) puts the lines in the given order, atomically", () => {
    const path = join(dir, "rows.jsonl");
    const rows = openRowsFile(path);
    rows.append(line("b", 2));
    rows.append(line("a", 1));
    rows.rewrite(["a", "b"]);
    rows.append(line("c", 3));
    rows.close();
    expect([...readRows(path).lines.keys()]).toEqual(["a", "b", "c"]);
  });

  it("refuses a second writer while the first lives, and takes over the lock of a dead one", () => {
    const path = join(dir, "rows.jsonl");
    const first = openRowsFile(path);
    expect(() => openRowsFile(path)).toThrow(/being written by another sweep \(pid \d+/);
    first.close();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    const pid = Number(String(dead.stdout));
    writeFileSync(`${path}.lock`, JSON.stringify({ host: hostname(), pid, since: "then" }));
    const second = openRowsFile(path);
    second.append(line("a", 1));
    second.close();
    expect(readRows(path).lines.size).toBe(1);
  });
});
