/**
 * `cellspice sweep` end to end from dist/ with the in-process and the thread-pool executors:
 * the same rows from both, resumption after kill -9 (a torn last line included), --status,
 * and the errors that name their cause.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRows } from "../../src/sweep/rowsFile.js";
import { buildOnce, cli } from "../cli/cli.js";
import { count, results, rowLines, start, waitFor } from "./processes.js";
import { freePort } from "./redisServer.js";
import { FAILING_KEY, REFERENCE, SLOWER, undisturbedResults, writeSpec } from "./specs.js";

let dir: string;
let reference: string;
beforeAll(async () => {
  await buildOnce();
  dir = mkdtempSync(join(tmpdir(), "cellspice-sweep-"));
  reference = writeSpec(dir, "reference", REFERENCE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cellspice sweep (in-process, pool)", () => {
  it("gives the same rows in-process and on a pool of 2 threads; a failing job is reported once", async () => {
    const a = await cli([
      "sweep",
      reference,
      "--executor",
      "inprocess",
      "-o",
      join(dir, "in.jsonl"),
    ]);
    expect(a.code, a.stderr).toBe(4);
    expect(
      count(
        a.stderr,
        `job failed: ${FAILING_KEY}: CellspiceError: job ${FAILING_KEY} fails on request`,
      ),
    ).toBe(1);
    expect(a.stdout).toMatch(/12 jobs\): 11 done, 1 failed, 0 pending/);
    const b = await cli(["sweep", reference, "--workers", "2", "-o", join(dir, "pool.jsonl")]);
    expect(b.code, b.stderr).toBe(4);
    expect(count(b.stderr, `job failed: ${FAILING_KEY}`)).toBe(1);
    expect(results(join(dir, "pool.jsonl"))).toEqual(results(join(dir, "in.jsonl")));
    const pool = rowLines(join(dir, "pool.jsonl"));
    expect(new Set(pool.map((l) => l.run.worker)).size).toBe(2);
    // Complete files are in the spec's job order, whatever order the jobs finished in.
    expect(pool.map((l) => l.key)).toEqual(rowLines(join(dir, "in.jsonl")).map((l) => l.key));
    const failed = pool.filter((l) => l.status === "failed");
    expect(failed.map((l) => l.key)).toEqual([FAILING_KEY]);
    expect(failed[0].error).toMatchObject({ name: "CellspiceError", code: "requested-failure" });
    // A re-run has nothing to do and reports the failure as a count, not again in full.
    const c = await cli(["sweep", reference, "-o", join(dir, "pool.jsonl")]);
    expect(c.code).toBe(4);
    expect(count(c.stderr, "job failed:")).toBe(0);
    expect(c.stderr).toMatch(/1 of 12 jobs failed/);
  });

  it("resumes a sweep killed with SIGKILL without redoing its rows, dropping a torn last line", async () => {
    const spec = writeSpec(dir, "slower", SLOWER);
    const rows = join(dir, "killed.jsonl");
    const first = start(["sweep", spec, "--workers", "1", "-o", rows]);
    await waitFor(() => {
      try {
        return readFileSync(rows, "utf8").split("\n").length >= 3;
      } catch {
        return false;
      }
    }, "two rows");
    first.kill("SIGKILL");
    await first.exited;
    const before = rowLines(rows);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(8);
    appendFileSync(rows, '{"key":"edge,size=24,T=5,sigmaA=0,sig');
    const status = await cli(["sweep", spec, "--status", "-o", rows]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/state\s+interrupted/);
    expect(status.stdout).toMatch(new RegExp(`done\\s+${before.length}\\n`));
    expect(status.stdout).toMatch(/torn last line/);

    const again = await cli(["sweep", spec, "--workers", "2", "-o", rows]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/dropped a torn last line/);
    expect(again.stderr).toMatch(
      new RegExp(`resuming: ${before.length} done, 0 failed, ${8 - before.length} to run`),
    );
    const after = rowLines(rows);
    expect(after).toHaveLength(8);
    for (const old of before) expect(after.find((l) => l.key === old.key)).toEqual(old);

    expect(results(rows)).toEqual(await undisturbedResults(dir, "slower", SLOWER));
  });

  it("reports a running sweep in --status, and stops at once on SIGINT keeping whole rows", async () => {
    const rows = join(dir, "interrupted.jsonl");
    const long = writeSpec(dir, "long", { ...SLOWER, replicates: 20 }); // 40 jobs, ~15 s
    const run = start(["sweep", long, "--workers", "1", "-o", rows]);
    await waitFor(() => {
      try {
        return readFileSync(rows, "utf8").includes("\n");
      } catch {
        return false;
      }
    }, "a first row");
    const status = await cli(["sweep", long, "--status", "-o", rows]);
    expect(status.stdout).toMatch(new RegExp(`state\\s+running \\(pid ${run.pid} on `));
    run.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.output()).toMatch(/interrupted by SIGINT/);
    const kept = readRows(rows);
    expect(kept.torn).toBe(false);
    expect(kept.lines.size).toBeGreaterThanOrEqual(1);
    expect(kept.lines.size).toBeLessThan(40);
  });

  it("refuses a spec with an unknown field or an empty grid with exit 3 naming the field", async () => {
    const typo = writeSpec(dir, "typo", { ...REFERENCE, replicate: 3 });
    const empty = writeSpec(dir, "empty", {
      ...REFERENCE,
      grid: { ...REFERENCE.grid, sigmaB: [] },
    });
    const [r1, r2] = await Promise.all([cli(["sweep", typo]), cli(["sweep", empty])]);
    expect(r1.code).toBe(3);
    expect(r1.stderr).toMatch(/field: replicate\n/);
    expect(r1.stderr).toMatch(/did you mean "replicates"/);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/field: grid\.sigmaB\n/);
    expect(r2.stderr).toMatch(/empty list: the grid has no points/);
  });

  it("stops with exit 4 naming the URL when Redis cannot be reached, and exit 3 for a bad URL", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const rows = join(dir, "unreachable.jsonl");
    const [r, w, bad] = await Promise.all([
      cli(["sweep", reference, "--redis", url, "-o", rows]),
      cli(["worker", "--redis", url]),
      cli(["sweep", reference, "--redis", "http://127.0.0.1:1"]),
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`Redis at ${url} cannot be reached`);
    expect(w.code).toBe(4);
    expect(w.stderr).toContain(`Redis at ${url} cannot be reached`);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/field: --redis/);
  });
});
