/**
 * Runs a child process as an untrusted job (STYLE.md principle 7): in its own process group so
 * that a timeout or an abort kills it and anything it started, with stdout and stderr kept to
 * their last `maxOutputBytes` bytes. The group is tracked (src/core/liveResources.ts) while it
 * runs, so that a supervisor stopping the run on a signal kills it.
 *
 * With `watchdog`, the child runs under a small /bin/sh wrapper in the same group that holds the
 * read end of a pipe from this process: when this process dies in any way (even SIGKILL, which
 * runs no handler), the pipe reads end-of-file and the wrapper kills the whole group. The
 * wrapper also caps the size of every file the child writes (`maxFileBytes`, `ulimit -f`).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { track } from "../core/liveResources.js";
import { setLongTimeout } from "../core/longTimeout.js";

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  maxOutputBytes: number;
  /** Called once the process has started (its pid is also its process-group id). */
  onSpawn?: (pid: number) => void;
  /** Run under the parent-death watchdog (see above); default false. */
  watchdog?: boolean;
  /** With `watchdog`: the largest file the child may write, in bytes (default unlimited). */
  maxFileBytes?: number;
}

/** How the process ended. `spawnError` is set when it never started (ENOENT, EACCES). */
export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** With `watchdog`: the child exceeded `maxFileBytes` (it got SIGXFSZ). */
  fileTooLarge: boolean;
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

/**
 * The watchdog wrapper: "$@" is the child. fd 3 keeps the pipe from the parent; a background
 * reader waits on it and kills the group (`kill -KILL 0`) at end-of-file, i.e. when the parent
 * is gone. When the child ends first, the reader is stopped and the child's status returned.
 */
const WATCHDOG = [
  'if [ -n "$CELLSPICE_MAX_FILE_BLOCKS" ]; then ulimit -f "$CELLSPICE_MAX_FILE_BLOCKS"; fi',
  "exec 3<&0 0</dev/null",
  '"$@" 3<&- &',
  "c=$!",
  "{ read -r _ <&3; kill -KILL 0; } &",
  "w=$!",
  "exec 3<&-",
  'wait "$c"',
  "s=$?",
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join("\n");

function signalName(n: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, v]) => v === n);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

export function runProcess(
  executable: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  const started = performance.now();
  const stdout = new TailBuffer(options.maxOutputBytes);
  const stderr = new TailBuffer(options.maxOutputBytes);
  const watchdog = options.watchdog === true;
  const env = { ...options.env };
  delete env.CELLSPICE_MAX_FILE_BLOCKS;
  if (watchdog && options.maxFileBytes !== undefined) {
    // ulimit -f counts 512-byte blocks in dash and bash (POSIX).
    env.CELLSPICE_MAX_FILE_BLOCKS = String(Math.max(1, Math.ceil(options.maxFileBytes / 512)));
  }
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const child = watchdog
      ? spawn("/bin/sh", ["-c", WATCHDOG, "cellspice-watchdog", executable, ...args], {
          cwd: options.cwd,
          env,
          detached: true,
          stdio: ["pipe", "pipe", "pipe"],
        })
      : spawn(executable, args, {
          cwd: options.cwd,
          env,
          detached: true, // own process group, so that kill(-pid) reaches every descendant
          stdio: ["ignore", "pipe", "pipe"],
        });
    const release =
      child.pid === undefined ? () => {} : track({ kind: "processGroup", pid: child.pid });
    // The pipe stays open (never written) until this process exits.
    child.stdin?.on("error", () => {});
    const cancelTimer = setLongTimeout(() => {
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
    child.on("close", (code, sig) => {
      cancelTimer();
      release();
      child.stdin?.destroy();
      options.signal?.removeEventListener("abort", onAbort);
      // Under the wrapper a child killed by signal n shows as exit status 128 + n.
      const wrapped = watchdog && sig === null && code !== null && code > 128 && code < 128 + 65;
      const signal = wrapped ? signalName(code - 128) : sig;
      const exitCode = wrapped && signal !== null ? null : code;
      resolve({
        exitCode,
        signal,
        fileTooLarge: signal === "SIGXFSZ",
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
