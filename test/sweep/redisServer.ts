/**
 * A real redis-server for the sweep tests (never a mock): started on a free loopback port with
 * a private directory and no persistence, stopped (by its own pid) and removed afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Kills it with SIGKILL (a lost server) or SIGTERM, and removes its directory. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  if (spawnSync("redis-server", ["--version"]).status !== 0)
    throw new Error(
      "redis-server is not installed: run `npm run setup` (Debian: apt-get install redis-server)",
    );
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cellspice-redis-"));
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (d) => {
    log += String(d);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${log}`)),
      10_000,
    );
    const poll = setInterval(() => {
      if (/Ready to accept connections/.test(log)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 20);
    child.once("exit", (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    async stop(signal = "SIGTERM") {
      if (!stopped) {
        stopped = true;
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill(signal);
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
