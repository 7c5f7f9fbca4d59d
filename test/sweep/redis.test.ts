/**
 * BullMQ sweeps end to end from dist/, on a real redis-server started for these tests: the same
 * rows as in-process; kill -9 of a worker mid-job (taken over by the other worker); kill -9 of
 * the submitter (a re-run collects what the workers finished meanwhile, nothing runs twice);
 * Redis lost mid-run (exit 4 naming the URL, finished rows kept).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, cli } from "../cli/cli.js";
import { count, type Running, results, rowLines, start, waitFor } from "./processes.js";
import { type RedisServer, startRedis } from "./redisServer.js";
import {
  FAILING_KEY_64,
  SHARED,
  SLOWER,
  SLOWER_64,
  undisturbedResults,
  writeSpec,
} from "./specs.js";

let dir: string;
let redis: RedisServer;
const running: Running[] = [];
const FAST_TAKEOVER = ["--lock-duration", "2", "--stalled-interval", "1"];

beforeAll(async () => {
  await buildOnce();
  dir = mkdtempSync(join(tmpdir(), "cellspice-bullmq-"));
  redis = await startRedis();
});
/** Kills what a test started, passed or failed, so that no worker of one test takes the next one's jobs. */
async function killAll(): Promise<void> {
  for (const r of running) r.kill("SIGKILL");
  await Promise.all(running.map((r) => r.exited));
  running.length = 0;
}
afterEach(killAll);
afterAll(async () => {
  await killAll();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a `cellspice worker` on the test Redis and waits until it is ready. */
async function worker(url = redis.url, extra: string[] = []): Promise<Running> {
  const w = start(["worker", "--redis", url, ...FAST_TAKEOVER, ...extra]);
  running.push(w);
  await waitFor(() => w.output().includes(": ready ("), "the worker to be ready");
  return w;
}

function lines(path: string): number {
  try {
    return readFileSync(path, "utf8").split("\n").length - 1;
  } catch {
    return 0;
  }
}

describe("cellspice sweep --redis with cellspice worker processes", () => {
  it("gives the rows of the in-process run with 2 worker processes; a failing job is run and reported once", async () => {
    const spec = writeSpec(dir, "shared", SHARED);
    const [w1, w2] = [await worker(), await worker()];
    const r = await cli(["sweep", spec, "--redis", redis.url, "-o", join(dir, "redis.jsonl")]);
    expect(r.code, r.stderr).toBe(4);
    expect(
      count(
        r.stderr,
        `job failed: ${FAILING_KEY_64}: CellspiceError: job ${FAILING_KEY_64} fails on request`,
      ),
    ).toBe(1);
    expect(count(w1.output() + w2.output(), `started ${FAILING_KEY_64}\n`)).toBe(1);
    expect(results(join(dir, "redis.jsonl"))).toEqual(
      await undisturbedResults(dir, "shared", SHARED),
    );
    const workers = new Set(
      rowLines(join(dir, "redis.jsonl")).map((l) => l.run.worker.split("/")[0]),
    );
    expect(workers).toEqual(new Set([`${hostOf(w1)}:${w1.pid}`, `${hostOf(w2)}:${w2.pid}`]));
    w1.kill();
    w2.kill();
  });

  it("takes over the job of a worker killed with SIGKILL mid-job; the rows are those of an undisturbed run", async () => {
    const spec = writeSpec(dir, "slower", SLOWER_64);
    const rows = join(dir, "takeover.jsonl");
    const victim = await worker();
    const survivor = await worker();
    const sweep = start(["sweep", spec, "--redis", redis.url, "-o", rows]);
    running.push(sweep);
    await waitFor(
      () => lines(rows) >= 1 && /started (.*)\n/.test(victim.output()),
      "the victim's first job",
    );
    // Kill the victim right after it starts a job (a job takes ~0.3 s).
    const startedBefore = count(victim.output(), "started ");
    await waitFor(
      () => count(victim.output(), "started ") > startedBefore,
      "the victim's next job",
    );
    victim.kill("SIGKILL");
    const killedKey = [...victim.output().matchAll(/started (.*)\n/g)].at(-1)?.[1] ?? "";
    expect(await sweep.exited, sweep.output()).toBe(0);
    const taken = rowLines(rows).find((l) => l.key === killedKey);
    expect(
      taken?.run.worker.startsWith(`${hostOf(survivor)}:${survivor.pid}/`),
      JSON.stringify(taken),
    ).toBe(true);
    expect(taken?.run.stalls).toBeGreaterThanOrEqual(1);
    expect(count(survivor.output(), `started ${killedKey}\n`)).toBe(1);
    expect(results(rows)).toEqual(await undisturbedResults(dir, "slower", SLOWER_64));
    survivor.kill();
  });

  it("collects on a re-run what the workers finished after the submitter was killed; nothing runs twice", async () => {
    const spec = writeSpec(dir, "resubmit", { ...SLOWER, seed: 6 });
    const rows = join(dir, "resubmit.jsonl");
    const [w1, w2] = [await worker(), await worker()];
    const first = start(["sweep", spec, "--redis", redis.url, "-o", rows]);
    running.push(first);
    await waitFor(() => lines(rows) >= 1, "a first row");
    first.kill("SIGKILL");
    await first.exited;
    const collected = lines(rows);
    const finished = () => count(w1.output() + w2.output(), "done ");
    await waitFor(() => finished() === 8, "the workers to finish all 8 jobs");
    const status = await cli(["sweep", spec, "--status", "--redis", redis.url, "-o", rows]);
    expect(status.stdout).toMatch(/state\s+interrupted/);
    expect(status.stdout).toMatch(new RegExp(`done\\s+${collected}\\n`));
    expect(status.stdout).toMatch(
      new RegExp(`queue finished, not collected\\s+${8 - collected}\\n`),
    );
    const again = await cli(["sweep", spec, "--redis", redis.url, "-o", rows]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/8 done, 0 failed, 0 pending/);
    expect(count(w1.output() + w2.output(), "started ")).toBe(8);
    expect(results(rows)).toEqual(
      await undisturbedResults(dir, "resubmit", { ...SLOWER, seed: 6 }),
    );
    const done = await cli(["sweep", spec, "--status", "--redis", redis.url, "-o", rows]);
    expect(done.stdout).toMatch(/state\s+complete/);
    expect(done.stdout).toMatch(/queue announced\s+no/);
    w1.kill();
    w2.kill();
  });

  it("stops with exit 4 naming the URL when Redis is lost mid-run; the finished rows are kept", async () => {
    const own = await startRedis();
    try {
      const spec = writeSpec(dir, "lost", { ...SLOWER, seed: 9 });
      const rows = join(dir, "lost.jsonl");
      const w = await worker(own.url, ["--redis-timeout", "1"]);
      const sweep = start(["sweep", spec, "--redis", own.url, "--redis-timeout", "1", "-o", rows]);
      running.push(sweep);
      await waitFor(() => lines(rows) >= 2, "two rows");
      await own.stop("SIGKILL");
      const kept = rowLines(rows);
      expect(await sweep.exited).toBe(4);
      expect(sweep.output()).toContain(`Redis at ${own.url} was lost`);
      expect(await w.exited).toBe(4);
      expect(w.output()).toContain(`Redis at ${own.url} was lost`);
      expect(rowLines(rows).length).toBeGreaterThanOrEqual(kept.length);
      for (const line of kept) expect(line.status).toBe("done");
    } finally {
      await own.stop();
    }
  });
});

/** The host part of a worker's `host:pid` name, from its ready line. */
function hostOf(w: Running): string {
  return /worker (.*):\d+: ready/.exec(w.output())?.[1] ?? "?";
}
