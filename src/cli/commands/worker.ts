import type { Command } from "commander";
import { checkRedisUrl } from "../../sweep/redis/url.js";
import { act } from "../action.js";
import { interruptible } from "../interrupt.js";
import { positiveInteger, positiveNumber } from "../options.js";

interface Flags {
  redis: string;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  redisTimeout: number;
}

/** `cellspice worker --redis URL`: serve the BullMQ queues of every sweep on that Redis. */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run the jobs of BullMQ sweeps (cellspice sweep --redis URL) until stopped")
    .requiredOption("--redis <url>", "the Redis the sweeps use, e.g. redis://host:6379")
    .option("--concurrency <n>", "jobs at once (worker threads)", positiveInteger, 1)
    .option(
      "--lock-duration <s>",
      "lock of a running job; a dead worker's job is taken over after it",
      positiveNumber,
      30,
    )
    .option(
      "--stalled-interval <s>",
      "how often to look for jobs of dead workers",
      positiveNumber,
      30,
    )
    .option("--max-stalled <n>", "takeovers of one job before it fails", positiveInteger, 2)
    .option(
      "--redis-timeout <s>",
      "seconds Redis may be unreachable before the worker stops",
      positiveNumber,
      30,
    )
    .addHelpText(
      "after",
      `
Start one per machine (models and data must be at the paths the sweep's jobs name). It joins
every sweep announced on that Redis and leaves it when the sweep is collected. Ctrl-C stops it
at once; its running jobs are taken over by other workers after --lock-duration.

Example:
  cellspice worker --redis redis://10.0.0.5:6379 --concurrency 8`,
    )
    .action(
      act<Flags>(async (_args, flags, ctx) => {
        const url = checkRedisUrl(flags.redis);
        const { runRedisWorker } = await import("../../sweep/redis/worker.js");
        await interruptible((signal) =>
          runRedisWorker({
            url,
            concurrency: flags.concurrency,
            lockDurationMs: flags.lockDuration * 1000,
            stalledIntervalMs: flags.stalledInterval * 1000,
            maxStalledCount: flags.maxStalled,
            graceMs: flags.redisTimeout * 1000,
            log: (line) => ctx.progress(line),
            signal,
          }),
        );
      }),
    );
}
