/**
 * The main thread of the `cellspice` executable: runs the command in a worker thread
 * (src/cli/commandThread.ts) and keeps its own event loop free, so that SIGINT, SIGTERM and
 * SIGHUP are handled at once whatever the command is doing (src/cli/interrupt.ts explains why).
 * On a signal it stops the command thread, kills the ngspice process groups and removes the
 * temporary paths that the thread still tracks (src/core/liveResources.ts), says so on stderr
 * and exits with 128 + the signal's number.
 */
import { rmSync, writeSync } from "node:fs";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { LiveResource } from "../core/liveResources.js";
import { EXIT } from "./exitCodes.js";
import { raiseInterrupt, SIGNAL_EXIT_CODES, STOP_SIGNALS, type StopSignal } from "./interrupt.js";

/** A message from the command thread on the resource port. */
export type ThreadMessage =
  | { type: "track"; id: number; resource: LiveResource }
  | { type: "untrack"; id: number }
  | { type: "grace"; ms: number }
  | { type: "exit"; code: number };

/** What the command thread receives as workerData. */
export interface ThreadData {
  argv: string[];
  flag: SharedArrayBuffer;
  port: MessagePort;
  stderrIsTTY: boolean;
  columns?: number;
}

/** Runs `argv` (process.argv form) in a command thread; resolves with its exit code. */
export function supervise(argv: readonly string[]): Promise<number> {
  const flagBuffer = new SharedArrayBuffer(4);
  const flag = new Int32Array(flagBuffer);
  const { port1, port2 } = new MessageChannel();
  const live = new Map<number, LiveResource>();
  let exitCode: number | undefined;
  let graceMs = 0;
  let stopping: StopSignal | undefined;

  const apply = (m: ThreadMessage) => {
    if (m.type === "track") live.set(m.id, m.resource);
    else if (m.type === "untrack") live.delete(m.id);
    else if (m.type === "grace") graceMs = m.ms;
    else exitCode = m.code;
  };
  port1.on("message", apply);
  const drain = () => {
    // Messages posted before now but not yet delivered: read them now.
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      apply(m.message as ThreadMessage);
    }
  };

  const onSignal = (sig: NodeJS.Signals) => {
    const stop = sig as StopSignal;
    raiseInterrupt(stop, flag);
    drain();
    if (stopping === undefined && graceMs > 0) {
      // The command asked to stop by itself: deliver the signal, stop it hard after graceMs.
      stopping = stop;
      port1.postMessage({ type: "signal", signal: stop });
      setTimeout(() => hardStop(stop), graceMs).unref();
      return;
    }
    hardStop(stopping ?? stop);
  };
  /** Stops the thread (if it still runs), cleans what it left, exits 128 + n. */
  const hardStop = (stop: StopSignal, endedByItself = false) => {
    drain();
    void worker.terminate();
    const { groups, paths } = cleanUp([...live.values()]);
    // A command that stopped by itself within its grace has said so already.
    if (endedByItself && groups + paths === 0) process.exit(SIGNAL_EXIT_CODES[stop]);
    const what = [
      groups > 0 ? `stopped ${groups} ngspice process group${groups > 1 ? "s" : ""}` : "",
      paths > 0 ? `removed ${paths} temporary path${paths > 1 ? "s" : ""}` : "",
    ].filter(Boolean);
    writeStderr(`cellspice: interrupted by ${stop}${what.length ? `; ${what.join(", ")}` : ""}\n`);
    process.exit(SIGNAL_EXIT_CODES[stop]);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);

  const data: ThreadData = {
    argv: [...argv],
    flag: flagBuffer,
    port: port2 as unknown as MessagePort,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  };
  const worker = new Worker(new URL("./commandThread.js", import.meta.url), {
    workerData: data,
    transferList: [port2],
  });
  return new Promise((resolve) => {
    worker.on("error", (e) => {
      writeStderr(
        `error: internal error (a bug in cellspice, please report it): ${e.message}\n${e.stack ?? ""}\n`,
      );
      exitCode = EXIT.internal;
    });
    worker.on("exit", (code) => {
      drain();
      if (stopping !== undefined) hardStop(stopping, true); // ended by itself within its grace
      port1.close();
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      // Anything still tracked after a normal end was leaked by a bug: clean it all the same.
      cleanUp([...live.values()]);
      resolve(exitCode ?? (code === 0 ? EXIT.ok : EXIT.internal));
    });
  });
}

/** Kills tracked process groups and removes tracked paths; returns how many of each. */
function cleanUp(resources: LiveResource[]): { groups: number; paths: number } {
  let groups = 0;
  let paths = 0;
  for (const r of resources) {
    if (r.kind === "processGroup") {
      try {
        process.kill(-r.pid, "SIGKILL");
        groups++;
      } catch {
        // ESRCH: the group has already exited.
      }
    }
  }
  for (const r of resources) {
    if (r.kind === "path") {
      try {
        rmSync(r.path, { recursive: true, force: true });
        paths++;
      } catch {
        // Nothing more can be done here; stale ngspice directories are swept by later runs.
      }
    }
  }
  return { groups, paths };
}

function writeStderr(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // A closed terminal (SIGHUP): nowhere left to say it.
  }
}
