import { ValidationError } from "../../core/errors.js";

/** Checks a `--redis` URL: redis://[user:password@]host[:port][/db] or rediss://…. */
export function checkRedisUrl(url: string, field = "--redis"): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(
      field,
      `got ${JSON.stringify(url)}`,
      "a URL redis://host[:port][/db]",
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw new ValidationError(field, `got the scheme ${parsed.protocol}`, "redis:// or rediss://");
  if (parsed.hostname === "")
    throw new ValidationError(field, "no host", "redis://host[:port][/db]");
  return url;
}

/** The URL without its password, for messages. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== "") u.password = "***";
  return u.toString().replace(/\/$/, "");
}
