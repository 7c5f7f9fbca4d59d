/**
 * Fake ngspice executables (CELLSPICE_NGSPICE) that hang, crash, truncate their raw file, flood
 * their output, or exit 0 with garbage or NaN, run through the real CLI. Each case checks the
 * exit code, that the message names the cause, that no process of the run is left, that the
 * private TMPDIR is empty and that the user's existing output file is unchanged.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeStaleWorkDirs } from "../../src/spice/runner.js";
import { ngspiceVersion } from "../../src/spice/version.js";
import { buildOnce } from "../cli/cli.js";
import {
  cellspice,
  EDGE_ARRAY,
  eventually,
  fakeNgspice,
  leftoverTemp,
  markedProcesses,
  type Sandbox,
  sandbox,
  start,
} from "./harness.js";

let box: Sandbox;
let array: string;
let output: string;
const OLD = "t,x\nold content kept\n";

beforeAll(async () => {
  await buildOnce();
  box = sandbox();
  array = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
});
afterAll(() => box.remove());

/** simulate --engine ngspice with a fake ngspice, onto an output file that already exists. */
async function simulateWith(fake: string, extra: string[] = [], env: Record<string, string> = {}) {
  output = box.file("out.csv", OLD);
  return cellspice(box, ["simulate", array, "--engine", "ngspice", "-o", output, ...extra], {
    CELLSPICE_NGSPICE: fake,
    ...env,
  });
}

async function expectClean(): Promise<void> {
  expect(await eventually(() => markedProcesses(box).length === 0)).toBe(true);
  expect(leftoverTemp(box)).toEqual([]);
  expect(readFileSync(output, "utf8")).toBe(OLD);
}

describe("fake ngspice executables", () => {
  it("a hanging ngspice past --timeout → exit 4 SpiceTimeoutError, its group killed", async () => {
    const fake = fakeNgspice(box, "hang", "sleep 1000");
    const r = await simulateWith(fake, ["--timeout", "0.5"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/SpiceTimeoutError.*ran longer than 500 ms and was killed/);
    await expectClean();
  });

  it("a crashing ngspice (SIGSEGV) → exit 4 naming the signal", async () => {
    const fake = fakeNgspice(box, "crash", "kill -SEGV $$");
    const r = await simulateWith(fake);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/SpiceKilledError.*killed by signal SIGSEGV/);
    await expectClean();
  });

  it("a truncated raw file (exit 0) → exit 4 RawFileError saying truncated", async () => {
    const fake = fakeNgspice(
      box,
      "truncate",
      'ngspice "$@"; s=$?; head -c 1500 "$raw" > "$raw.cut"; mv "$raw.cut" "$raw"; exit $s',
    );
    const r = await simulateWith(fake);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/RawFileError.*truncated/);
    await expectClean();
  });

  it("garbage in the raw file (exit 0) → exit 4 RawFileError naming the line", async () => {
    const fake = fakeNgspice(
      box,
      "garbage",
      `printf 'Title: x\\n\\001\\002\\003 not a header\\n' > "$raw"`,
    );
    const r = await simulateWith(fake);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/RawFileError.*line 2.*is not a header line/);
    await expectClean();
  });

  it("NaN in the results (exit 0) → exit 4 InvalidResultError naming the vector", async () => {
    // The last 8 bytes of a binary raw file are the last vector at the last time point.
    const fake = fakeNgspice(
      box,
      "nan",
      `ngspice "$@" || exit $?
size=$(wc -c < "$raw")
printf '\\000\\000\\000\\000\\000\\000\\370\\177' | dd of="$raw" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null`,
    );
    const r = await simulateWith(fake);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/InvalidResultError.*v\(x_0_2_2\) = NaN/);
    await expectClean();
  });

  it("a flood of output (32 MiB, exit 0, no raw file) → exit 4, memory bounded to the tail", async () => {
    const fake = fakeNgspice(box, "flood", "yes 'ngspice says something' | head -c 33554432");
    const r = await simulateWith(fake);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/wrote no raw file/);
    await expectClean();
  });

  it("an empty CELLSPICE_NGSPICE → exit 5 with the install hint, no stack trace", async () => {
    const r = await simulateWith("");
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/CELLSPICE_NGSPICE is set but empty.*apt-get install ngspice/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    await expectClean();
  });

  it("a CELLSPICE_NGSPICE that does not exist → exit 5", async () => {
    const r = await simulateWith(join(box.bin, "no-such-ngspice"));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/ngspice is not installed.*no-such-ngspice/);
    await expectClean();
  });

  it("--timeout beyond Node's 2^31 − 1 ms timer limit works: a 1 s run with --timeout 1e9 succeeds", async () => {
    const fake = fakeNgspice(box, "slow", 'sleep 1; exec ngspice "$@"');
    output = box.file("out.csv", OLD);
    const r = await cellspice(
      box,
      ["simulate", array, "--engine", "ngspice", "--timeout", "1e9", "-o", output],
      { CELLSPICE_NGSPICE: fake },
    );
    expect(r.stderr).not.toMatch(/SpiceTimeoutError/);
    expect(r.code).toBe(0);
    expect(readFileSync(output, "utf8")).toMatch(/^t,x_0_0_0,/);
    expect(await eventually(() => markedProcesses(box).length === 0)).toBe(true);
    expect(leftoverTemp(box)).toEqual([]);
  });

  it("kill -9 of cellspice: the watchdog kills ngspice, and the next run removes the dead run's directory", async () => {
    const started = join(box.work, "started");
    const fake = fakeNgspice(box, "hang-marked", `: > "${started}"; sleep 1000`);
    output = box.file("out.csv", OLD);
    const run = start(box, ["simulate", array, "--engine", "ngspice", "-o", output], {
      CELLSPICE_NGSPICE: fake,
    });
    expect(await eventually(() => existsSync(started), 20_000)).toBe(true);
    process.kill(run.child.pid as number, "SIGKILL");
    await run.done;
    // Only the kernel's end-of-file on the watchdog's pipe stops ngspice now.
    expect(await eventually(() => markedProcesses(box).length === 0)).toBe(true);
    const left = leftoverTemp(box);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^cellspice-ngspice-${run.child.pid}-[0-9a-f]+$`));
    expect(await removeStaleWorkDirs(box.tmp)).toEqual(left);
    expect(leftoverTemp(box)).toEqual([]);
    expect(readFileSync(output, "utf8")).toBe(OLD);
  });

  it("ngspiceVersion(executable, timeoutMs) of a hung `-v` says it timed out", async () => {
    const fake = box.script("hung-version", "sleep 1000");
    await expect(ngspiceVersion(fake, 300)).rejects.toThrow(/printed no version within 0.3 s/);
    expect(await eventually(() => markedProcesses(box).length === 0)).toBe(true);
  });
});

describe("removeStaleWorkDirs(dir)", () => {
  it("removes the run directories of dead processes only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cellspice-stale-"));
    try {
      const dead = spawnSync("true").pid as number; // has exited: its pid names no process now
      const names = [
        `cellspice-ngspice-${dead}-0a1b2c`,
        `cellspice-ngspice-${process.pid}-0a1b2c`, // this process
        "cellspice-ngspice-1-0a1b2c", // init: alive
        "cellspice-ngspice-abcdef", // an old-style name without a pid: never touched
        "unrelated",
      ];
      for (const n of names) mkdirSync(join(dir, n));
      expect(await removeStaleWorkDirs(dir)).toEqual([names[0]]);
      expect(readdirSync(dir).sort()).toEqual(names.slice(1).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
