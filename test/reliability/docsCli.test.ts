/**
 * docs/cli.md's examples are run, not trusted: every `$ cellspice …` example (but the slow demo)
 * runs in a sandbox in the order the document gives, and its output must match the documented
 * lines — after masking elapsed times (`done in 0.02 s`) and collapsing runs of spaces — with
 * `…` standing for any lines, and its exit code the documented `(exit N)` (0 when none is given).
 * `CELLSPICE_UPDATE_DOCS=1` rewrites the documented outputs (of examples without `…`) from the
 * run instead of failing: the documented numbers are generated, never typed.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, MAIN, ROOT } from "../cli/cli.js";
import { EDGE_ARRAY, type Sandbox, sandbox } from "./harness.js";

const DOC = join(ROOT, "docs", "cli.md");
/**
 * Examples not run by default: the demo (~20 s; CELLSPICE_DOCS_ALL=1 runs it too), and the plot
 * of a file that only a later example writes.
 */
const SKIP = [
  ...(process.env.CELLSPICE_DOCS_ALL === "1" ? [] : [/^cellspice demo/]),
  /^cellspice plot out\/taox/,
  // Sampling 20 images takes about a minute and prints its rate: run with CELLSPICE_DOCS_ALL=1.
  ...(process.env.CELLSPICE_DOCS_ALL === "1" ? [] : [/^cellspice sample /]),
];
const UPDATE = process.env.CELLSPICE_UPDATE_DOCS === "1";

interface Example {
  /** Index of the `$` line in the document. */
  at: number;
  command: string;
  /** The documented output lines, with the `(exit N)` annotation removed. */
  expected: string[];
  exit: number;
}

const EXIT_NOTE = /\s+\(exit (\d+)\)\s*$/;

function examples(lines: string[]): Example[] {
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("    $ ")) continue;
    const expected: string[] = [];
    let exit = 0;
    let k = i + 1;
    for (; k < lines.length; k++) {
      const l = lines[k];
      if (l.startsWith("    $ ")) break;
      if (l.trim() === "") {
        const next = lines.slice(k + 1).find((x) => x.trim() !== "");
        if (next === undefined || !next.startsWith("    ") || next.startsWith("    $ ")) break;
        expected.push("");
        continue;
      }
      if (!l.startsWith("    ")) break;
      const note = EXIT_NOTE.exec(l);
      if (note) exit = Number(note[1]);
      expected.push(l.slice(4).replace(EXIT_NOTE, ""));
    }
    found.push({ at: i, command: lines[i].slice(6), expected, exit });
  }
  return found;
}

/** Elapsed times masked, runs of spaces collapsed. */
function normal(line: string): string {
  return line
    .replace(/\b\d+\.\d\d s\b/g, "<t> s")
    .replace(/\b\d+\.\d s in all\b/, "<t> s in all")
    .replace(/\s+/g, " ")
    .trim();
}

/** Whether `actual` matches `expected`, `…` lines matching any run of lines. */
function matches(expected: string[], actual: string[]): boolean {
  const e = expected.map(normal);
  const a = actual.map(normal).filter((l) => l !== "");
  const want = e.filter((l) => l !== "");
  let j = 0;
  for (let i = 0; i < want.length; i++) {
    if (want[i] === "…") {
      if (i === want.length - 1) return true;
      while (j < a.length && a[j] !== want[i + 1]) j++;
      continue;
    }
    if (a[j] !== want[i]) return false;
    j++;
  }
  return j === a.length;
}

let box: Sandbox;
const doc = readFileSync(DOC, "utf8").split("\n");

beforeAll(async () => {
  await buildOnce();
  box = sandbox();
  box.script("cellspice", `exec "${process.execPath}" "${MAIN}" "$@"`);
  // The files the examples name: square.txt as the document shows it, the bad inputs of the
  // exit-code examples.
  box.file("square.txt", "......\n.####.\n.####.\n.####.\n.####.\n......\n");
  const B = [
    [-1, -1],
    [-1, 8],
  ];
  box.file(
    "bad.json",
    JSON.stringify({ ...EDGE_ARRAY, templates: { ...EDGE_ARRAY.templates, B } }),
  );
  box.file(
    "badp.json",
    JSON.stringify({ ...EDGE_ARRAY, memristor: { model: "strachan-taox", params: { G_m: 2 } } }),
  );
  box.file("typo.json", JSON.stringify({ ...EDGE_ARRAY, scales: { tua: 1e-3 } }));
  box.file("huge.json", JSON.stringify({ ...EDGE_ARRAY, rows: 2000, cols: 2000, input: 0 }));
  // The trained-model examples name the repository's fixtures by their relative path.
  mkdirSync(join(box.work, "test"), { recursive: true });
  symlinkSync(join(ROOT, "test", "fixtures"), join(box.work, "test", "fixtures"));
  await shell("cellspice templates edge --image square.txt -o edge.json");
}, 300_000);
afterAll(() => box.remove());

function shell(command: string): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve) => {
    execFile(
      "/bin/sh",
      ["-c", `{ ${command} ; } 2>&1`],
      {
        cwd: box.work,
        env: { ...process.env, PATH: `${box.bin}:${process.env.PATH}`, TMPDIR: box.tmp },
        maxBuffer: 1 << 26,
      },
      (error, stdout) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, lines: stdout.replace(/\n$/, "").split("\n") });
      },
    );
  });
}

const all = examples(doc).filter((x) => !SKIP.some((re) => re.test(x.command)));
const updates: { example: Example; lines: string[] }[] = [];

describe("docs/cli.md examples", () => {
  it("the document has examples to run", () => {
    expect(all.length).toBeGreaterThan(15);
  });

  it.each(all.map((x) => [x.command, x] as const))("$ %s", async (_command, x) => {
    const r = await shell(x.command);
    const ok = r.code === x.exit && matches(x.expected, r.lines);
    if (!ok && UPDATE && !x.expected.some((l) => l.trim() === "…")) {
      updates.push({ example: x, lines: r.lines });
      return;
    }
    expect({ exit: r.code, output: r.lines }).toEqual(
      ok ? { exit: r.code, output: r.lines } : { exit: x.exit, output: x.expected },
    );
  });

  afterAll(() => {
    if (!UPDATE || updates.length === 0) return;
    const lines = [...doc];
    for (const { example, lines: out } of [...updates].sort(
      (p, q) => q.example.at - p.example.at,
    )) {
      const body = out.map((l) => (l === "" ? "" : `    ${l}`));
      if (example.exit !== 0 && body.length > 0) {
        const last = body[body.length - 1];
        body[body.length - 1] =
          `${last.padEnd(Math.max(61, last.length + 1))}(exit ${example.exit})`;
      }
      lines.splice(example.at + 1, example.expected.length, ...body);
    }
    writeFileSync(DOC, lines.join("\n"));
  });
});
