/**
 * Runs a child process as an untrusted job (STYLE.md principle 7): in its own process group so
 * that a timeout or an abort kills it and anything it started, with stdout and stderr kept to
 * their last `maxOutputBytes` bytes.
 */
import { spawn } from "node:child_process";

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  maxOutputBytes: number;
  /** Called once the process has started (its pid is also its process-group id). */
  onSpawn?: (pid: number) => void;
}

/** How the process ended. `spawnError` is set when it never started (ENOENT, EACCES). */
export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Bytes dropped from the front of stdout and stderr by the size bound. */
  droppedBytes: number;
  timedOut: boolean;
  aborted: boolean;
  spawnError?: NodeJS.ErrnoException;
  wallTimeMs: number;
}

/** The last `limit` bytes written to a stream. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const excess = this.size - this.limit;
      const head = this.chunks[0];
      if (head.length <= excess) {
        this.chunks.shift();
        this.size -= head.length;
        this.dropped += head.length;
      } else {
        this.chunks[0] = head.subarray(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** Kills the whole process group of `pid`; ignores a group that is already gone. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group has already exited.
  }
}

export function runProcess(
  executable: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  const started = performance.now();
  const stdout = new TailBuffer(options.maxOutputBytes);
  const stderr = new TailBuffer(options.maxOutputBytes);
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const child = spawn(executable, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true, // own process group, so that kill(-pid) reaches every descendant
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup(child.pid);
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (c: Buffer) => stdout.push(c));
    child.stderr.on("data", (c: Buffer) => stderr.push(c));
    child.on("spawn", () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      // Only a failed start reaches here in practice; a started child reports through "close".
      spawnError ??= e;
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        droppedBytes: stdout.dropped + stderr.dropped,
        timedOut,
        aborted,
        spawnError,
        wallTimeMs: performance.now() - started,
      });
    });
  });
}
