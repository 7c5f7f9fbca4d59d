/**
 * A small XML well-formedness checker for the SVG strings (no DOM in Node): balanced and
 * properly nested tags, quoted attributes without raw `<` or `&`, no raw `<` or stray `&` in
 * text. Returns the problems found (empty when well-formed) and the element count per tag.
 */
export function checkXml(s: string): { errors: string[]; counts: Map<string, number> } {
  const errors: string[] = [];
  const counts = new Map<string, number>();
  const stack: string[] = [];
  const entity = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  let k = 0;
  while (k < s.length) {
    const c = s[k];
    if (c === "&") {
      if (!entity.test(s.slice(k, k + 12))) errors.push(`stray & at ${k}`);
      k++;
      continue;
    }
    if (c !== "<") {
      k++;
      continue;
    }
    const end = s.indexOf(">", k);
    if (end < 0) {
      errors.push(`unterminated tag at ${k}`);
      break;
    }
    const tag = s.slice(k + 1, end);
    k = end + 1;
    if (tag.startsWith("!--") || tag.startsWith("?") || tag.startsWith("!DOCTYPE")) continue;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) errors.push(`</${name}> closes <${open}>`);
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z][\w:-]*)(.*)$/s.exec(body);
    if (!m) {
      errors.push(`bad tag <${tag.slice(0, 30)}>`);
      continue;
    }
    const [, name, rest] = m;
    const attrRe = /\s+([\w:-]+)="([^"]*)"/gy;
    let pos = 0;
    const restTrim = rest.replace(/\s+$/, "");
    while (pos < restTrim.length) {
      attrRe.lastIndex = pos;
      const a = attrRe.exec(restTrim);
      if (!a) {
        errors.push(`bad attributes in <${name}${restTrim.slice(0, 40)}>`);
        break;
      }
      if (a[2].includes("<")) errors.push(`raw < in attribute ${a[1]} of <${name}>`);
      for (let q = a[2].indexOf("&"); q >= 0; q = a[2].indexOf("&", q + 1)) {
        if (!entity.test(a[2].slice(q, q + 12))) errors.push(`stray & in attribute ${a[1]}`);
      }
      pos = attrRe.lastIndex;
    }
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (!selfClosing) stack.push(name);
  }
  if (stack.length) errors.push(`unclosed: ${stack.join(" > ")}`);
  return { errors, counts };
}

/** Number of occurrences of a substring. */
export function occurrences(s: string, sub: string): number {
  return s.split(sub).length - 1;
}
