/* cloud.js -- the word cloud of a text poll, drawn as SVG on the projector.
 *
 * The same rules as the HTML report's cloud (server/export/export_cloud.c):
 * sizes by the square root of the count between MIN and MAX, widths
 * estimated from the characters (no font metrics, so every screen lays the
 * same entries out the same way), and entries placed biggest first along a
 * spiral from the middle, each at the first spot where it overlaps nothing
 * placed before.  The layout is a pure function of the entries in order, so
 * it only changes when the entries do.  Text goes in with textContent. */
(function () {
  'use strict';

  var MIN = 14;
  var MAX = 64;
  var STEPS = 1200;
  var GAP = 4;
  var NS = 'http://www.w3.org/2000/svg';
  /* Dark colours on the slide's white, each at a contrast of 7:1 or more. */
  var COLOURS = ['#0f2a47', '#7a3100', '#14522f', '#53307a', '#7a1430', '#1f3f5a'];

  function wide(c) {
    return c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60) || c >= 0x1F300);
  }

  function textWidth(s, size) {
    var em = 0;
    Array.from(String(s)).forEach(function (ch) {
      var c = ch.codePointAt(0);
      if ((c >= 0x300 && c <= 0x36F) || c === 0x200C || c === 0x200D || (c >= 0xFE00 && c <= 0xFE0F)) return;
      em += wide(c) ? 1.0 : 0.6;
    });
    return Math.floor(em * size + 0.5);
  }

  function overlaps(a, b) {
    var ax = a.x - Math.trunc(a.w / 2), ay = a.y - a.h, bx = b.x - Math.trunc(b.w / 2), by = b.y - b.h;
    return ax < bx + b.w + GAP && bx < ax + a.w + GAP && ay < by + b.h + GAP && by < ay + a.h + GAP;
  }

  /* [{text, count}] biggest first -> [{x, y, size, w, h, placed}]. */
  function layout(entries, w, h) {
    var n = entries.length;
    var top = n ? entries[0].count : 0, low = n ? entries[n - 1].count : 0;
    var out = [];
    for (var i = 0; i < n; i++) {
      var f = top > low ? Math.sqrt((entries[i].count - low) / (top - low)) : 1;
      var p = { size: MIN + Math.floor((MAX - MIN) * f + 0.5), placed: false, x: 0, y: 0 };
      p.w = textWidth(entries[i].text, p.size);
      p.h = p.size;
      out.push(p);
      if (p.w > w || p.h > h) continue;
      for (var step = 0; step < STEPS && !p.placed; step++) {
        var t = step * 0.1, r = 4.0 * t / (2 * Math.PI) * 3.0;
        p.x = Math.trunc(w / 2) + Math.round(r * Math.cos(t) * (w / h));
        p.y = Math.trunc(h / 2) + Math.trunc(p.h / 2) + Math.round(r * Math.sin(t));
        if (p.x - Math.trunc(p.w / 2) < 0 || p.x + Math.trunc(p.w / 2) > w || p.y - p.h < 0 || p.y > h) continue;
        var free = true;
        for (var j = 0; j < i && free; j++) free = !out[j].placed || !overlaps(p, out[j]);
        p.placed = free;
      }
    }
    return out;
  }

  /* The box the placed entries take, with a margin, never smaller than
   * minW x minH: the cloud is zoomed to fill its panel, but a cloud of one
   * short word is not blown up to the size of the wall. */
  function bounds(places, minW, minH) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    places.forEach(function (p) {
      if (!p.placed) return;
      x0 = Math.min(x0, p.x - Math.trunc(p.w / 2));
      x1 = Math.max(x1, p.x + Math.trunc(p.w / 2));
      y0 = Math.min(y0, p.y - p.h);
      y1 = Math.max(y1, p.y);
    });
    if (x0 === Infinity) return [0, 0, minW, minH];
    x0 -= 2 * GAP; y0 -= 2 * GAP; x1 += 2 * GAP; y1 += 2 * GAP;
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    var bw = Math.max(x1 - x0, minW), bh = Math.max(y1 - y0, minH);
    return [Math.round(cx - bw / 2), Math.round(cy - bh / 2), Math.round(bw), Math.round(bh)];
  }

  /* Draws entries into svg (an <svg> element), replacing what it held. */
  function draw(svg, entries, w, h) {
    var places = layout(entries, w, h);
    svg.setAttribute('viewBox', bounds(places, Math.round(w * 0.4), Math.round(h * 0.3)).join(' '));
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    places.forEach(function (p, i) {
      if (!p.placed) return;
      var tx = document.createElementNS(NS, 'text');
      tx.setAttribute('x', String(p.x));
      tx.setAttribute('y', String(p.y - Math.trunc(p.h / 5)));
      tx.setAttribute('font-size', String(p.size));
      tx.setAttribute('fill', COLOURS[i % COLOURS.length]);
      if (i === 0) tx.setAttribute('font-weight', '800');
      tx.textContent = String(entries[i].text);
      svg.appendChild(tx);
    });
    return places;
  }

  window.HandsupCloud = { layout: layout, bounds: bounds, draw: draw };
})();
