/**
 * Ctrl-C while ngspice runs. ngspice runs in its own process group (src/spice/process.ts), so
 * the terminal's SIGINT reaches only node, which would exit and leave ngspice running. While a
 * task that runs ngspice is in flight, SIGINT and SIGTERM abort its AbortSignal instead: the
 * runner kills ngspice's process group and the command ends with exit code 130. A second
 * signal exits at once. (A synchronous cellspice solve cannot be interrupted by a handler, so
 * none is installed around those: the default, immediate exit applies.)
 */
export class InterruptedError extends Error {
  override name = "InterruptedError";

  constructor(signal: string) {
    super(`interrupted by ${signal}`);
  }
}

export async function interruptible<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let received: string | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (received !== undefined) process.exit(130);
    received = sig;
    controller.abort(new InterruptedError(sig));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await task(controller.signal);
  } catch (e) {
    if (received !== undefined) throw new InterruptedError(received);
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
