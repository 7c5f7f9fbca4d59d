/**
 * The report page's only script: plain browser JavaScript (no d3, no network) that decodes the
 * embedded waveform data and draws the selected cell's waveforms, difference and memristor
 * traces as SVG polylines with axes. It reads the JSON in <script id="cellspice-data"> (see
 * report.ts for its fields) and wires the cell picker, the heat maps and the worst-cells table.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("cellspice-data").textContent);
  var FONT = D.font;
  var C_CS = "#0072B2", C_NG = "#D55E00", AXIS = "#222222", GRID = "#e6e6e6";

  function bytes(b64) {
    var s = atob(b64), u = new Uint8Array(s.length);
    for (var k = 0; k < s.length; k++) u[k] = s.charCodeAt(k);
    return u.buffer;
  }
  // 16-bit traces, one range per cell (see QuantisedTraces in report.ts); NaN where q = -32768.
  function decode(tr) {
    var q = new Int16Array(bytes(tr.q)), lo = new Float64Array(bytes(tr.lo)), st = new Float64Array(bytes(tr.step));
    var out = new Float64Array(q.length), P = D.t.length;
    for (var k = 0; k < q.length; k++) {
      var m = Math.floor(k / P);
      out[k] = q[k] === -32768 ? NaN : lo[m] + (q[k] + 32767) * st[m];
    }
    return out;
  }
  var P = D.t.length;
  var CS = decode(D.cs), DF = decode(D.diff);
  var MEM = D.mem ? { v: decode(D.mem.v), i: decode(D.mem.i), w: decode(D.mem.w) } : null;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fin(v) { return typeof v === "number" && isFinite(v); }
  function minus(s) { return String(s).replace(/^-/, "\u2212").replace("e-", "e\u2212"); }
  function sup(k) {
    var m = { "-": "\u207b", "0": "\u2070", "1": "\u00b9", "2": "\u00b2", "3": "\u00b3", "4": "\u2074",
      "5": "\u2075", "6": "\u2076", "7": "\u2077", "8": "\u2078", "9": "\u2079" };
    return "10" + String(k).split("").map(function (c) { return m[c] || c; }).join("");
  }
  var SI = { "s": 1, "V": 1, "A": 1, "W": 1, "S": 1 };
  var PREFIX = { "12": "T", "9": "G", "6": "M", "3": "k", "0": "", "-3": "m", "-6": "\u00b5", "-9": "n", "-12": "p", "-15": "f" };
  // How an axis writes numbers: SI prefix for SI units, a common ×10^k for tiny dimensionless values.
  function scaling(lo, hi, unit) {
    var m = Math.max(Math.abs(lo), Math.abs(hi));
    if (!(m > 0)) return { f: 1, unit: unit };
    if (SI[unit]) {
      var k = Math.max(-15, Math.min(12, Math.floor(Math.log10(m) / 3 + 1e-9) * 3));
      return { f: Math.pow(10, k), unit: PREFIX[String(k)] + unit };
    }
    if (m < 1e-2 || m >= 1e4) {
      var e = Math.floor(Math.log10(m) + 1e-9);
      return { f: Math.pow(10, e), unit: "\u00d7" + sup(e) + (unit ? " " + unit : "") };
    }
    return { f: 1, unit: unit };
  }
  function ticks(lo, hi, n) {
    var span = hi - lo, raw = span / n, step = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / step;
    if (r >= 7.07) step *= 10; else if (r >= 3.16) step *= 5; else if (r >= 1.41) step *= 2;
    var out = [], a = Math.ceil(lo / step - 1e-9);
    for (var k = a; k * step <= hi + step * 1e-9; k++) out.push(k * step);
    return { values: out, step: step };
  }
  function niceDomain(lo, hi, n) {
    if (!(hi > lo)) { var d = lo === 0 ? 1 : Math.abs(lo) * 0.1; lo -= d; hi += d; }
    var pad = (hi - lo) * 0.04; lo -= pad; hi += pad;
    var st = ticks(lo, hi, 2 * n).step; // round outwards to a finer step than the labels
    return [Math.floor(lo / st) * st, Math.ceil(hi / st) * st];
  }
  function extent(arrs) {
    var lo = Infinity, hi = -Infinity;
    arrs.forEach(function (a) { for (var k = 0; k < a.length; k++) { var v = a[k]; if (fin(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } } });
    return lo <= hi ? [lo, hi] : [0, 1];
  }
  function title(label, unit) { return unit ? label + " [" + unit + "]" : label; }
  function n2(v) { return Math.round(v * 100) / 100; }

  // One panel: box at (x, y, w, h), x and y domains, series [{xs, ys, color, dash, cls}].
  function panel(o) {
    var sx = function (v) { return o.x + (v - o.xd[0]) / (o.xd[1] - o.xd[0]) * o.w; };
    var sy = function (v) { return o.y + o.h - (v - o.yd[0]) / (o.yd[1] - o.yd[0]) * o.h; };
    var s = "";
    var xt = ticks(o.xd[0], o.xd[1], 6), yt = ticks(o.yd[0], o.yd[1], o.yticks || 5);
    var xsc = scaling(o.xd[0], o.xd[1], o.xunit), ysc = scaling(o.yd[0], o.yd[1], o.yunit);
    var xdec = Math.max(0, -Math.floor(Math.log10(xt.step / xsc.f) + 1e-9));
    var ydec = Math.max(0, -Math.floor(Math.log10(yt.step / ysc.f) + 1e-9));
    s += '<g font-size="11" fill="' + AXIS + '">';
    xt.values.forEach(function (v) {
      var p = n2(sx(v));
      s += '<line x1="' + p + '" x2="' + p + '" y1="' + o.y + '" y2="' + (o.y + o.h) + '" stroke="' + GRID + '"/>';
      s += '<line x1="' + p + '" x2="' + p + '" y1="' + (o.y + o.h) + '" y2="' + (o.y + o.h + 5) + '" stroke="' + AXIS + '"/>';
      if (!o.hideX) s += '<text x="' + p + '" y="' + (o.y + o.h + 8) + '" text-anchor="middle" dominant-baseline="hanging">' + minus((v / xsc.f).toFixed(xdec)) + "</text>";
    });
    yt.values.forEach(function (v) {
      var p = n2(sy(v));
      s += '<line x1="' + o.x + '" x2="' + (o.x + o.w) + '" y1="' + p + '" y2="' + p + '" stroke="' + GRID + '"/>';
      s += '<line x1="' + (o.x - 5) + '" x2="' + o.x + '" y1="' + p + '" y2="' + p + '" stroke="' + AXIS + '"/>';
      s += '<text x="' + (o.x - 8) + '" y="' + p + '" text-anchor="end" dominant-baseline="middle">' + minus((v / ysc.f).toFixed(ydec)) + "</text>";
    });
    if (o.zero && o.yd[0] < 0 && o.yd[1] > 0) s += '<line x1="' + o.x + '" x2="' + (o.x + o.w) + '" y1="' + n2(sy(0)) + '" y2="' + n2(sy(0)) + '" stroke="#999999"/>';
    if (o.xlabel) s += '<text x="' + (o.x + o.w / 2) + '" y="' + (o.y + o.h + 36) + '" text-anchor="middle" font-size="13">' + esc(title(o.xlabel, xsc.unit)) + "</text>";
    s += '<text transform="translate(' + (o.x - 56) + "," + (o.y + o.h / 2) + ') rotate(-90)" text-anchor="middle" font-size="13">' + esc(title(o.ylabel, ysc.unit)) + "</text>";
    s += "</g>";
    o.series.forEach(function (se) {
      // Non-finite samples split the line into several polylines.
      var pts = [], runs = [];
      for (var k = 0; k < se.xs.length; k++) {
        var a = se.xs[k], b = se.ys[k];
        if (fin(a) && fin(b)) pts.push(n2(sx(a)) + "," + n2(sy(b)));
        else if (pts.length) { runs.push(pts); pts = []; }
      }
      if (pts.length) runs.push(pts);
      runs.forEach(function (r) {
        s += '<polyline class="' + se.cls + '" points="' + r.join(" ") + '" fill="none" stroke="' + se.color + '" stroke-width="' + (se.width || 1.8) + '"' +
          (se.dash ? ' stroke-dasharray="' + se.dash + '"' : "") + ' stroke-linejoin="round"/>';
      });
    });
    s += '<rect x="' + o.x + '" y="' + o.y + '" width="' + o.w + '" height="' + o.h + '" fill="none" stroke="' + AXIS + '" stroke-width="0.8"/>';
    return s;
  }
  function legendItem(x, y, label, color, dash) {
    return '<line x1="' + x + '" x2="' + (x + 28) + '" y1="' + y + '" y2="' + y + '" stroke="' + color + '" stroke-width="2"' + (dash ? ' stroke-dasharray="' + dash + '"' : "") + "/>" +
      '<text x="' + (x + 34) + '" y="' + y + '" dominant-baseline="middle" font-size="12" fill="' + AXIS + '">' + esc(label) + "</text>";
  }
  function svgOpen(w, h, t) {
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h + '" font-family="' + esc(FONT) + '" role="img"><title>' + esc(t) + '</title><rect width="' + w + '" height="' + h + '" fill="#ffffff"/>';
  }
  function cellName(m) {
    var j = m % D.cols, i = Math.floor(m / D.cols) % D.rows, c = Math.floor(m / (D.cols * D.rows));
    return "(" + c + ", " + i + ", " + j + ")";
  }
  function fmt(v) {
    if (v === null || (typeof v === "number" && isNaN(v))) return "not finite";
    if (!fin(v)) return v > 0 ? "\u221e" : "\u2212\u221e";
    if (v === 0) return "0";
    var a = Math.abs(v);
    return minus(a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2));
  }

  function drawWaveforms(m) {
    var q = D.quantity, cs = CS.subarray(m * P, (m + 1) * P), df = DF.subarray(m * P, (m + 1) * P);
    var ng = new Float64Array(P);
    for (var k = 0; k < P; k++) ng[k] = cs[k] + df[k];
    var W = 760, L = 84, R = 24, top = 70, H1 = 280, gap = 18, H2 = 120, w = W - L - R;
    var tu = D.timeUnit === "tau" ? "\u03c4" : "s";
    var xd = [D.t[0], D.t[P - 1] > D.t[0] ? D.t[P - 1] : D.t[0] + 1];
    var yd = niceDomain(extent([cs, ng])[0], extent([cs, ng])[1], 5);
    var de = extent([df]), dm = Math.max(Math.abs(de[0]), Math.abs(de[1])) * 1.08 || 1;
    var dd = niceDomain(-dm, dm, 4);
    var label = "Cell " + cellName(m);
    var s = svgOpen(W, top + H1 + gap + H2 + 52, label + ": cellspice and ngspice");
    s += '<text x="' + L + '" y="22" font-size="15" font-weight="600" fill="' + AXIS + '" class="wf-title">' + esc(label + ": " + q.symbol + "(t)") + "</text>";
    s += legendItem(L, 46, "cellspice", C_CS, "") + legendItem(L + 130, 46, "ngspice", C_NG, "6 4");
    s += panel({ x: L, y: top, w: w, h: H1, xd: xd, yd: yd, xunit: tu, yunit: q.unit, ylabel: q.label || q.symbol, hideX: true,
      series: [{ xs: D.t, ys: cs, color: C_CS, cls: "wf-cellspice" }, { xs: D.t, ys: ng, color: C_NG, dash: "6 4", cls: "wf-ngspice" }] });
    s += panel({ x: L, y: top + H1 + gap, w: w, h: H2, xd: xd, yd: dd, xunit: tu, yunit: q.unit, yticks: 4, zero: true,
      ylabel: "\u0394" + q.symbol, xlabel: "time t",
      series: [{ xs: D.t, ys: df, color: AXIS, cls: "wf-difference", width: 1.3 }] });
    s += "</svg>";
    document.getElementById("wave-plot").innerHTML = s;
  }
  function drawMemristor(m) {
    if (!MEM) return;
    var v = MEM.v.subarray(m * P, (m + 1) * P), i = MEM.i.subarray(m * P, (m + 1) * P), w = MEM.w.subarray(m * P, (m + 1) * P);
    var Wd = 760, L = 84, top = 44, S = 280, gap = 96;
    var ve = extent([v]), ie = extent([i]), we = extent([w]);
    var s = svgOpen(Wd, top + S + 56, "Memristor of cell " + cellName(m));
    s += '<text x="' + L + '" y="22" font-size="15" font-weight="600" fill="' + AXIS + '">' + esc("Memristor of cell " + cellName(m) + " (cellspice)") + "</text>";
    s += panel({ x: L, y: top, w: S, h: S, xd: niceDomain(ve[0], ve[1], 5), yd: niceDomain(ie[0], ie[1], 5), xunit: "V", yunit: "A",
      xlabel: "voltage v", ylabel: "current i", series: [{ xs: v, ys: i, color: C_CS, cls: "mem-iv" }] });
    var tu = D.timeUnit === "tau" ? "\u03c4" : "s";
    s += panel({ x: L + S + gap, y: top, w: S, h: S, xd: [D.t[0], D.t[P - 1]], yd: we[0] >= 0 && we[1] <= 1 ? [0, 1] : niceDomain(we[0], we[1], 5),
      xunit: tu, yunit: "", xlabel: "time t", ylabel: "memristor state w", series: [{ xs: D.t, ys: w, color: C_CS, cls: "mem-w" }] });
    s += "</svg>";
    document.getElementById("mem-plot").innerHTML = s;
  }

  var selC = document.getElementById("pick-channel"), selI = document.getElementById("pick-row"), selJ = document.getElementById("pick-col");
  function highlight(m) {
    document.querySelectorAll("svg .cs-highlight").forEach(function (e) { e.parentNode.removeChild(e); });
    document.querySelectorAll('rect.cell[data-cell="' + m + '"]').forEach(function (r) {
      var h = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      ["x", "y", "width", "height"].forEach(function (a) { h.setAttribute(a, r.getAttribute(a)); });
      h.setAttribute("class", "cs-highlight");
      r.ownerSVGElement.appendChild(h);
    });
    document.querySelectorAll("tr[data-cell]").forEach(function (tr) {
      tr.classList.toggle("selected", Number(tr.getAttribute("data-cell")) === m);
    });
  }
  function select(m) {
    m = Math.max(0, Math.min(D.cells - 1, m | 0));
    var j = m % D.cols, i = Math.floor(m / D.cols) % D.rows, c = Math.floor(m / (D.cols * D.rows));
    selC.value = String(c); selI.value = String(i); selJ.value = String(j);
    document.getElementById("wave-heading").textContent = "Cell " + cellName(m) + " \u2014 max |\u0394" + D.quantity.symbol + "| = " + fmt(D.err[m]) + (D.quantity.unit ? " " + D.quantity.unit : "");
    drawWaveforms(m);
    drawMemristor(m);
    highlight(m);
    document.body.setAttribute("data-selected-cell", String(m));
  }
  function fromPickers() {
    select((Number(selC.value) * D.rows + Number(selI.value)) * D.cols + Number(selJ.value));
  }
  [selC, selI, selJ].forEach(function (s) { s.addEventListener("change", fromPickers); });
  document.querySelectorAll("[data-cell]").forEach(function (e) {
    if (e.tagName.toLowerCase() === "tr" || e.classList.contains("cell")) {
      e.addEventListener("click", function () { select(Number(e.getAttribute("data-cell"))); });
    }
  });
  document.querySelectorAll("button[data-save]").forEach(function (b) {
    b.addEventListener("click", function () {
      var svg = document.querySelector("#" + b.getAttribute("data-save") + " svg");
      if (!svg) return;
      var blob = new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = b.getAttribute("data-name") + ".svg";
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
  });
  select(D.initialCell);
})();
`;
