/**
 * Real SIGINT, SIGTERM and SIGHUP sent to the real CLI's process group in each phase of a run:
 * while the input is read, while ngspice runs, while cellspice's own solver runs (a long
 * synchronous solve), and while the output is being written. Each must end the run at once with 128 + the signal's number,
 * leave no process and no temporary file, and leave the user's existing files unchanged.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce } from "../cli/cli.js";
import {
  EDGE_ARRAY,
  eventually,
  fakeNgspice,
  leftoverTemp,
  markedProcesses,
  type Sandbox,
  sandbox,
  slowArray,
  start,
  temporarySiblings,
} from "./harness.js";

const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Stop = keyof typeof CODES;
const SIGNALS = Object.keys(CODES) as Stop[];

let box: Sandbox;
const OLD = "old content kept\n";

beforeAll(async () => {
  await buildOnce();
  box = sandbox();
});
afterAll(() => box.remove());

/** Sends `sig` to the run's whole process group (as a terminal does) and waits for the end. */
async function interrupt(run: ReturnType<typeof start>, sig: Stop) {
  process.kill(-(run.child.pid as number), sig);
  const timeout = new Promise<"still running">((r) => setTimeout(() => r("still running"), 15_000));
  return Promise.race([run.done, timeout]);
}

async function expectClean(files: Record<string, string>): Promise<void> {
  expect(await eventually(() => markedProcesses(box).length === 0)).toBe(true);
  expect(leftoverTemp(box)).toEqual([]);
  expect(temporarySiblings(box.work)).toEqual([]);
  for (const [path, text] of Object.entries(files)) expect(readFileSync(path, "utf8")).toBe(text);
}

describe.each(SIGNALS)("%s", (sig) => {
  it(`while ngspice runs (cosim) → exit ${CODES[sig]}, ngspice's group killed, the old report kept`, async () => {
    const array = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
    const started = join(box.work, `started-${sig}`);
    const fake = fakeNgspice(box, `hang-${sig}`, `: > "${started}"; sleep 1000`);
    const dir = join(box.work, `cosim-${sig}`);
    mkdirSync(dir);
    const kept = join(dir, "cosim.json");
    writeFileSync(kept, OLD);
    const run = start(box, ["cosim", array, "--out-dir", dir], { CELLSPICE_NGSPICE: fake });
    expect(await eventually(() => existsSync(started), 20_000)).toBe(true);
    const end = await interrupt(run, sig);
    expect(end).toEqual({ code: CODES[sig], signal: null });
    expect(run.stderr()).toContain(`interrupted by ${sig}; stopped 1 ngspice process group`);
    await expectClean({ [kept]: OLD });
  });

  it(`while cellspice's own solver runs (synchronous) → exit ${CODES[sig]} at once, the old output kept`, async () => {
    const array = box.file("slow.json", JSON.stringify(slowArray()));
    const output = box.file(`solver-${sig}.csv`, OLD);
    const run = start(box, ["simulate", array, "-o", output]);
    expect(await eventually(() => run.stderr().includes("running cellspice rk4"), 20_000)).toBe(
      true,
    );
    await new Promise((r) => setTimeout(r, 300)); // well inside the solve
    const end = await interrupt(run, sig);
    expect(end).toEqual({ code: CODES[sig], signal: null });
    expect(run.stderr()).toContain(`cellspice: interrupted by ${sig}`);
    expect(run.stderr()).not.toMatch(/done in/);
    await expectClean({ [output]: OLD });
  });

  it(`while the input is read (a FIFO nobody writes) → exit ${CODES[sig]}`, async () => {
    const fifo = join(box.work, `in-${sig}`);
    execFileSync("mkfifo", [fifo]);
    const run = start(box, ["simulate", fifo]);
    await new Promise((r) => setTimeout(r, 1000)); // started, blocked waiting for a writer
    const end = await interrupt(run, sig);
    expect(end).toEqual({ code: CODES[sig], signal: null });
    await expectClean({});
  });

  it(`while the output is written (a FIFO nobody reads) → exit ${CODES[sig]}`, async () => {
    const array = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
    const fifo = join(box.work, `fifo-${sig}`);
    execFileSync("mkfifo", [fifo]);
    const run = start(box, ["simulate", array, "-o", fifo]);
    expect(await eventually(() => run.stderr().includes("done in"), 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // blocked opening the FIFO
    const end = await interrupt(run, sig);
    expect(end).toEqual({ code: CODES[sig], signal: null });
    expect(statSync(fifo).isFIFO()).toBe(true);
    await expectClean({});
  });
});
