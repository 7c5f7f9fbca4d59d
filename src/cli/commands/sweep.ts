import { type Command, Option } from "commander";
import { CellspiceError } from "../../core/errors.js";
import type { Executor } from "../../sweep/executor.js";
import { inProcessExecutor } from "../../sweep/inProcess.js";
import { defaultWorkers, poolExecutor } from "../../sweep/pool.js";
import { checkRedisUrl } from "../../sweep/redis/url.js";
import { runSweep } from "../../sweep/runSweep.js";
import { parseSweepSpec, type Sweep } from "../../sweep/spec.js";
import { rowsStatus } from "../../sweep/status.js";
import { act } from "../action.js";
import type { CliContext } from "../context.js";
import { attachSource } from "../errorMessage.js";
import { UsageError } from "../exitCodes.js";
import { readText } from "../files.js";
import { interruptible } from "../interrupt.js";
import { positiveInteger, positiveNumber } from "../options.js";
import { createProgress } from "../progress.js";
import { formatTable } from "../table.js";

interface Flags {
  out?: string;
  executor?: "inprocess" | "pool" | "redis";
  workers?: number;
  redis?: string;
  redisTimeout: number;
  status?: boolean;
  retryFailed?: boolean;
}

/** `cellspice sweep <spec.json>`: run (or resume) a sweep, one JSONL row per job (docs/sweeps.md). */
export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run or resume a sweep: one JSONL row per job of the spec's grid (docs/sweeps.md)")
    .argument("<spec.json>", "sweep spec (cellspice-sweep format)")
    .option("-o, --out <file.jsonl>", "rows file (default: the spec's name with .rows.jsonl)")
    .addOption(
      new Option(
        "--executor <executor>",
        "inprocess, pool (worker threads) or redis (BullMQ)",
      ).choices(["inprocess", "pool", "redis"]),
    )
    .option(
      "--workers <n>",
      `pool threads (default: one per core, ${defaultWorkers()} here)`,
      positiveInteger,
    )
    .option(
      "--redis <url>",
      "Redis of a BullMQ sweep, e.g. redis://host:6379 (implies --executor redis)",
    )
    .option(
      "--redis-timeout <s>",
      "seconds Redis may be unreachable mid-run before the sweep stops",
      positiveNumber,
      30,
    )
    .option(
      "--status",
      "print done/failed/pending of the sweep (and its queue with --redis); run nothing",
    )
    .option("--retry-failed", "run the jobs that failed before again")
    .addHelpText(
      "after",
      `
Re-running a sweep resumes it: jobs with a row in the rows file are not run again. With
--redis, jobs go to a BullMQ queue served by 'cellspice worker --redis URL' processes on any
number of machines; a re-run collects what they finished meanwhile.

Exit codes: 0 every job done; 3 invalid spec or options; 4 some job failed (its error is in its
row and printed once) or Redis unreachable; 130 interrupted (finished rows are kept).

Examples:
  cellspice sweep mismatch.json --workers 2
  cellspice sweep mismatch.json --redis redis://10.0.0.5:6379
  cellspice sweep mismatch.json --status`,
    )
    .action(
      act<Flags>(async ([file], flags, ctx) => {
        const sweep = await readSweep(file);
        const out = flags.out ?? defaultRowsPath(file);
        const redis = flags.redis === undefined ? undefined : checkRedisUrl(flags.redis);
        if (flags.status) return printStatus(sweep, out, redis, ctx);
        const executor = await chooseExecutor(flags, redis);
        await execute(sweep, out, executor, flags, ctx);
      }),
    );
}

async function readSweep(file: string): Promise<Sweep> {
  const text = await readText(file);
  try {
    return parseSweepSpec(text, file);
  } catch (e) {
    throw attachSource(e, file);
  }
}

/** spec.json → spec.rows.jsonl beside it. */
export function defaultRowsPath(spec: string): string {
  return `${spec.replace(/\.json$/i, "")}.rows.jsonl`;
}

/** The executor the flags ask for; BullMQ is loaded only for --redis (it takes ~0.3 s). */
async function chooseExecutor(flags: Flags, redis: string | undefined): Promise<Executor> {
  const name = flags.executor ?? (redis === undefined ? "pool" : "redis");
  if (name === "redis" && redis === undefined)
    throw new UsageError("--executor redis needs --redis URL (the Redis the workers use)");
  if (name !== "redis" && redis !== undefined)
    throw new UsageError(`--redis applies to --executor redis, not ${name}`);
  if (name !== "pool" && flags.workers !== undefined)
    throw new UsageError(
      name === "redis"
        ? "--workers applies to the pool; a BullMQ sweep runs on 'cellspice worker --redis URL --concurrency N' processes"
        : "--workers applies to --executor pool",
    );
  if (name === "inprocess") return inProcessExecutor();
  if (name === "pool") return poolExecutor(flags.workers ?? defaultWorkers());
  const { redisExecutor } = await import("../../sweep/redis/submitter.js");
  return redisExecutor({ url: redis as string, graceMs: flags.redisTimeout * 1000 });
}

async function execute(
  sweep: Sweep,
  out: string,
  executor: Executor,
  flags: Flags,
  ctx: CliContext,
) {
  let progress: ReturnType<typeof createProgress> | undefined;
  const note = (text: string) => {
    if (ctx.quiet) return;
    process.stderr.write(process.stderr.isTTY ? `\r\u001b[K${text}\n` : `${text}\n`);
  };
  const summary = await interruptible(async (signal) => {
    try {
      const s = await runSweep({
        sweep,
        rowsPath: out,
        executor,
        signal,
        retryFailed: flags.retryFailed,
        onBegin(state) {
          if (state.tornLineDropped) note(`${out}: dropped a torn last line (its job runs again)`);
          if (state.done + state.failed > 0)
            note(
              `resuming: ${state.done} done, ${state.failed} failed, ${state.pending} to run (${out})`,
            );
          ctx.progress(
            `sweep ${sweep.id}: ${state.pending} jobs on ${describeExecutor(executor, flags)}`,
          );
          progress = createProgress({
            label: "sweep",
            total: state.pending,
            unit: "jobs",
            quiet: ctx.quiet,
          });
        },
        onOutcome(outcome) {
          if (outcome.status === "failed") {
            const e = outcome.error;
            note(
              `job failed: ${outcome.key}: ${e ? `${e.name}: ${e.message}` : "no error recorded"}`,
            );
          }
          progress?.tick();
        },
      });
      progress?.done();
      return s;
    } catch (e) {
      progress?.fail();
      throw e;
    }
  });
  ctx.out(
    `sweep ${sweep.id} (${sweep.kind.name}, ${summary.total} jobs): ${summary.done} done, ${summary.failed} failed, ${summary.pending} pending; rows in ${out}`,
  );
  if (summary.failed > 0) {
    throw new CellspiceError(
      "sweep-jobs-failed",
      `${summary.failed} of ${summary.total} jobs failed; their errors are in ${out} (status "failed"); --retry-failed runs them again`,
      { failed: summary.failed },
    );
  }
}

function describeExecutor(executor: Executor, flags: Flags): string {
  if (executor.name === "pool") return `a pool of ${flags.workers ?? defaultWorkers()} threads`;
  if (executor.name === "redis") return `BullMQ at ${flags.redis}`;
  return "this thread";
}

async function printStatus(sweep: Sweep, out: string, redis: string | undefined, ctx: CliContext) {
  const s = rowsStatus(sweep, out);
  const state =
    s.writer !== undefined
      ? `running (pid ${s.writer.pid} on ${s.writer.host}, since ${s.writer.since})`
      : s.pending === 0
        ? "complete"
        : s.done + s.failed === 0
          ? "not started"
          : "interrupted (run the same command again to resume)";
  const rows: string[][] = [
    ["sweep", sweep.id],
    ["kind", sweep.kind.name],
    ["rows", out],
    ["state", state],
    ["jobs", String(s.total)],
    ["done", String(s.done)],
    ["failed", String(s.failed)],
    ["pending", String(s.pending)],
  ];
  if (s.tornLine) rows.push(["torn last line", "yes (dropped on the next run)"]);
  if (redis !== undefined) {
    const { queueStatus } = await import("../../sweep/redis/queueStatus.js");
    const { bullJobId } = await import("../../sweep/redis/names.js");
    const q = await queueStatus(redis, sweep.id);
    const pending = new Set(
      sweep.jobs.filter((j) => !s.collected.has(j.key)).map((j) => bullJobId(j.key)),
    );
    const uncollected = q.finishedIds.filter((id) => pending.has(id)).length;
    rows.push(
      ["queue announced", q.announced ? "yes" : "no"],
      ["queue waiting", String(q.waiting + q.delayed)],
      ["queue active", String(q.active)],
      ["queue finished, not collected", String(uncollected)],
      ["workers connected", String(q.workers)],
    );
  }
  ctx.out(formatTable(["", ""], rows).split("\n").slice(2).join("\n"));
  for (const f of s.failures.slice(0, 20))
    ctx.out(`failed: ${f.key}: ${f.error ? `${f.error.name}: ${f.error.message}` : "?"}`);
  if (s.failures.length > 20) ctx.out(`… and ${s.failures.length - 20} more failed jobs`);
}
