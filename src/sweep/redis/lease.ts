/**
 * One submitter per sweep: the submitter holds a short lease in Redis
 * (`cellspice:sweep:<id>:submitter` = host:pid, expiring after `ttlMs` unless renewed), so that
 * a second `cellspice sweep` of the same spec (into another rows file) cannot take the rows
 * away from the first. A submitter killed with SIGKILL stops renewing: its lease lapses within
 * `ttlMs` and a re-run takes over.
 */
import { hostname } from "node:os";
import { ValidationError } from "../../core/errors.js";
import { type RedisLink, withTimeout } from "./connection.js";

export interface Lease {
  release(): Promise<void>;
}

export function leaseKey(sweepId: string): string {
  return `cellspice:sweep:${sweepId}:submitter`;
}

/** Takes the sweep's lease, waiting up to one `ttlMs` for a lapsing one; throws if it is held. */
export async function takeLease(link: RedisLink, sweepId: string, ttlMs = 3000): Promise<Lease> {
  const key = leaseKey(sweepId);
  const me = `${hostname()}:${process.pid}:${Date.now()}`;
  const end = Date.now() + ttlMs + 1000;
  for (;;) {
    const ok = await link.guard(link.client.set(key, me, "PX", ttlMs, "NX"));
    if (ok === "OK") break;
    if (Date.now() > end) {
      const holder = (await link.guard(link.client.get(key))) ?? "?";
      throw new ValidationError(
        "sweep",
        `sweep ${sweepId} is being collected by another 'cellspice sweep' (${holder.split(":").slice(0, 2).join(":")})`,
        "one submitter per sweep: wait for it, or stop it first",
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const renew = setInterval(() => {
    void link.client.pexpire(key, ttlMs).catch(() => {});
  }, ttlMs / 5);
  return {
    async release() {
      clearInterval(renew);
      try {
        // Bounded: with Redis gone, commands would wait for a reconnect that never comes.
        if ((await withTimeout(link.client.get(key), 1000)) === me)
          await withTimeout(link.client.del(key), 1000);
      } catch {
        // Redis gone: the lease lapses by itself.
      }
    },
  };
}
