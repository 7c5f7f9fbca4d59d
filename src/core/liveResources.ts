/**
 * The resources a run holds that must not outlive it: child process groups (ngspice) and
 * temporary paths (ngspice's run directory, the temporary sibling of an atomic write). Code that
 * creates one tracks it here and untracks it when it has cleaned it up itself; whoever stops the
 * run from outside (the CLI's supervisor on SIGINT, SIGTERM or SIGHUP, src/cli/interrupt.ts)
 * kills and removes what is still tracked. This module only keeps the list: it touches no
 * process and no file.
 *
 * Track a path *before* creating it (so that a stop between the two cannot miss it) and a
 * process group right after spawning it.
 */

export type LiveResource =
  | { readonly kind: "processGroup"; readonly pid: number }
  | { readonly kind: "path"; readonly path: string };

/** Where tracking events go besides the local list (the CLI's command thread posts them). */
export interface ResourceSink {
  track(id: number, resource: LiveResource): void;
  untrack(id: number): void;
}

const live = new Map<number, LiveResource>();
let nextId = 1;
let sink: ResourceSink | undefined;

/** Routes every later track/untrack also to `s` (undefined: local list only). */
export function setResourceSink(s: ResourceSink | undefined): void {
  sink = s;
}

/** Tracks `resource`; returns the function that untracks it (idempotent). */
export function track(resource: LiveResource): () => void {
  const id = nextId++;
  live.set(id, resource);
  sink?.track(id, resource);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    live.delete(id);
    sink?.untrack(id);
  };
}

/** The resources tracked in this thread and not yet released. */
export function liveResources(): LiveResource[] {
  return [...live.values()];
}
