/**
 * Connections to the Redis server of a BullMQ sweep. An unreachable server is a clear error
 * naming the URL (exit 4), not an endless reconnect loop; a server lost mid-run is tolerated
 * for a grace period (ioredis reconnects) and then the same kind of error.
 */
import { Redis } from "ioredis";
import { CellspiceError } from "../../core/errors.js";
import { checkRedisUrl, displayUrl } from "./url.js";

/** Redis cannot be reached, or was lost for longer than the grace period. */
export class RedisUnavailableError extends CellspiceError {
  constructor(
    readonly url: string,
    problem: string,
  ) {
    super("redis-unavailable", `Redis at ${url} ${problem}`, { url });
  }
}

export interface RedisLink {
  readonly client: Redis;
  readonly url: string;
  /** Throws RedisUnavailableError when the link has been down for longer than the grace period. */
  check(): void;
  /** `p`, or RedisUnavailableError as soon as `check()` would throw while `p` waits. */
  guard<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Connects to `url` (BullMQ's settings: no per-command retry limit, so that commands wait out a
 * reconnect), waiting at most `connectMs` for the first connection. Afterwards the link counts
 * how long it has been down; `check()` throws once that exceeds `graceMs`.
 */
export async function connectRedis(
  url: string,
  o: { connectMs?: number; graceMs?: number } = {},
): Promise<RedisLink> {
  const shown = displayUrl(checkRedisUrl(url));
  const connectMs = o.connectMs ?? 5000;
  const graceMs = o.graceMs ?? 30_000;
  // No reconnecting before the first connection (an unreachable server fails at once), then
  // reconnect every ≤ 1 s for as long as the caller's grace period allows.
  let connected = false;
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: connectMs,
    retryStrategy: (times) => (connected ? Math.min(100 * times, 1000) : null),
  });
  let lastError = "";
  client.on("error", (e: Error) => {
    lastError = e.message;
  });
  try {
    await withTimeout(client.connect(), connectMs);
    await withTimeout(client.ping(), connectMs);
    connected = true;
  } catch (e) {
    client.disconnect();
    const why = lastError || (e as Error).message;
    throw new RedisUnavailableError(
      shown,
      `cannot be reached (${why}); is redis-server running there?`,
    );
  }
  let downSince: number | undefined;
  client.on("close", () => {
    downSince ??= Date.now();
  });
  client.on("ready", () => {
    downSince = undefined;
  });
  const check = () => {
    if (downSince !== undefined && Date.now() - downSince > graceMs)
      throw new RedisUnavailableError(
        shown,
        `was lost ${((Date.now() - downSince) / 1000).toFixed(0)} s ago and has not come back (${lastError || "connection closed"})`,
      );
  };
  return {
    client,
    url: shown,
    check,
    guard<T>(p: Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const timer = setInterval(() => {
          try {
            check();
          } catch (e) {
            clearInterval(timer);
            reject(e);
          }
        }, 200);
        p.then(
          (v) => {
            clearInterval(timer);
            resolve(v);
          },
          (e) => {
            clearInterval(timer);
            reject(e);
          },
        );
      });
    },
    async close() {
      try {
        await withTimeout(client.quit(), 1000);
      } catch {
        client.disconnect();
      }
    },
  };
}

/** `p`, or a rejection after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
