/**
 * The worker thread in which the `cellspice` executable runs a command (src/cli/supervisor.ts):
 * it reports the resources it tracks to the supervisor, shares its interrupt flag, and posts
 * the command's exit code.
 */
import { workerData } from "node:worker_threads";
import { setResourceSink } from "../core/liveResources.js";
import {
  deliverSignal,
  type StopSignal,
  setGraceSink,
  useSharedInterruptFlag,
} from "./interrupt.js";
import { run } from "./program.js";
import type { ThreadData, ThreadMessage } from "./supervisor.js";

const data = workerData as ThreadData;
const port = data.port as unknown as import("node:worker_threads").MessagePort;
const post = (m: ThreadMessage) => port.postMessage(m);

useSharedInterruptFlag(data.flag);
setGraceSink((ms) => post({ type: "grace", ms }));
port.on("message", (m: { type: "signal"; signal: StopSignal }) => {
  if (m.type === "signal") deliverSignal(m.signal);
});
port.unref(); // listening must not keep the thread alive
setResourceSink({
  track: (id, resource) => post({ type: "track", id, resource }),
  untrack: (id) => post({ type: "untrack", id }),
});
// Progress bars draw on a terminal: tell the thread's stderr what the real one is.
Object.defineProperty(process.stderr, "isTTY", { value: data.stderrIsTTY });
if (data.columns !== undefined) {
  Object.defineProperty(process.stderr, "columns", { value: data.columns });
}

const code = await run(data.argv);
post({ type: "exit", code });
port.close();
