import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { activeFma, fusedOnThisCpu } from "../core/fusedMultiplyAdd.js";

/** Where a benchmark ran: recorded with every row so numbers are never read out of context. */
export interface BenchEnvironment {
  machine: string;
  cores: number;
  /** Clock [GHz] from os.cpus(), else /proc/cpuinfo (virtual machines often report 0); 0 if unknown. */
  cpuGHz: number;
  node: string;
  commit: string;
  /** True when the working tree differs from the commit. */
  dirty: boolean;
  command: string;
  /**
   * Whether the float32 WebAssembly kernels use relaxed SIMD's multiply-add (CELLSPICE_FMA,
   * src/core/fusedMultiplyAdd.ts), and whether it rounds once on this CPU (null: unavailable).
   */
  fma: boolean;
  fmaFused: boolean | null;
}

/** The machine, Node version and git commit of this process (git missing: "unknown"). */
export function benchEnvironment(command: string): BenchEnvironment {
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return undefined;
    }
  };
  const commit = git(["rev-parse", "HEAD"]) ?? "unknown";
  const status = git(["status", "--porcelain", "--untracked-files=no"]);
  return {
    machine: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    cpuGHz: cpuGHz(),
    node: process.version,
    commit,
    dirty: status !== undefined && status.length > 0,
    command,
    fma: activeFma(),
    fmaFused: fusedOnThisCpu(),
  };
}

/** The 1-minute load average: other processes competing for the cores while a case ran. */
export function loadAverage(): number {
  return os.loadavg()[0];
}

function cpuGHz(): number {
  const mhz = os.cpus()[0]?.speed ?? 0;
  if (mhz > 0) return mhz / 1000;
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m ? Number(m[1]) / 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak double-precision FLOP rates [GFLOP/s] from the clock and an assumed FLOP per cycle per
 * core: 16 for AVX2/AVX-512 FMA on Zen 4 (two 256-bit FMA pipes, 4 lanes × 2 FLOP × 2), on all
 * cores, for the vector peak; 4 (two scalar FMA pipes × 2 FLOP) on one core for the scalar peak
 * (a solve runs on one JavaScript thread). docs/performance.md states the assumption.
 */
export function machinePeaks(env: Pick<BenchEnvironment, "cpuGHz" | "cores">): {
  vectorPeak: number;
  scalarPeak: number;
} {
  return { vectorPeak: env.cpuGHz * 16 * env.cores, scalarPeak: env.cpuGHz * 4 };
}
