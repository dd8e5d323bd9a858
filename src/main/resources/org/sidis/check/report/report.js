/*
 * sidis report: the space-time diagram.
 *
 * Reads the JSON block the page carries (ReportPage.java documents its columns), and draws only
 * the part of the run that is in view, onto one canvas the size of the viewport: a 10,000-message
 * run has some 60,000 events and 50,000 arrows, far more than a browser can keep as SVG nodes, but a
 * window of it is a few thousand lines. The scroll bars belong to an ordinary element with a spacer
 * as tall as the whole run, so scrolling is the browser's own and each scroll event redraws one frame.
 *
 * Time runs down. On the Lamport axis (the default) an event sits at the length of the longest chain
 * of events that ends at it, so every arrow points down; on the wall-clock axis at its ts, kept
 * non-decreasing along each lifeline (ts is display only and may step back on a clock adjustment).
 *
 * After the first frame the page writes what it drew into data-* attributes of #diagram (lifelines,
 * arrows, highlighted events, time to first frame), which is what the browser test reads.
 */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('sidis-data').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var root = $('diagram');
  var S = data.strings;
  var E = data.events;
  var processes = data.processes;
  var P = processes.length;
  var n = E.kind.length;

  // ---- decode the columns ----

  var proc = new Int32Array(n);
  var lamport = new Float64Array(n);
  var ts = new Float64Array(n);        // µs since the run's first ts
  var lseq = new Float64Array(n);
  var line = new Float64Array(n);
  processes.forEach(function (pr, p) {
    for (var i = pr.first, end = pr.first + pr.count; i < end; i++) {
      var first = i === pr.first;
      proc[i] = p;
      lamport[i] = E.lamport[i] + (first ? 0 : lamport[i - 1]);
      ts[i] = E.ts[i] + (first ? 0 : ts[i - 1]);
      lseq[i] = E.lseq[i] + (first ? 0 : lseq[i - 1]);
      line[i] = E.line[i] + (first ? 0 : line[i - 1]);
    }
  });

  // Clocks: per event, the entries that differ from "previous clock, own entry + 1". Decoded up front
  // unless processes × events is huge, then walked on demand for the one event hovered.
  var CLOCK_CELLS_DECODED = 30e6;
  var clockStart = new Int32Array(n);  // where each event's entries begin in E.clock
  (function () {
    var c = 0;
    for (var i = 0; i < n; i++) {
      clockStart[i] = c;
      c += 1 + 2 * E.clock[c];
    }
  })();
  var clocks = null;
  if (n * P <= CLOCK_CELLS_DECODED) {
    clocks = new Int32Array(n * P);
    processes.forEach(function (pr, p) {
      for (var i = pr.first, end = pr.first + pr.count; i < end; i++) {
        var base = i * P;
        if (i > pr.first) {
          clocks.copyWithin(base, base - P, base);
        }
        clocks[base + p] += 1;
        applyClockDelta(clocks, base, i);
      }
    });
  }
  function applyClockDelta(into, base, i) {
    var c = clockStart[i];
    var k = E.clock[c++];
    for (var j = 0; j < k; j++) {
      into[base + E.clock[c]] = E.clock[c + 1];
      c += 2;
    }
  }
  function clockOf(i) {
    var out = new Int32Array(P);
    if (clocks) {
      out.set(clocks.subarray(i * P, i * P + P));
      return out;
    }
    var pr = processes[proc[i]];
    for (var j = pr.first; j <= i; j++) {
      out[proc[i]] += 1;
      applyClockDelta(out, 0, j);
    }
    return out;
  }

  var kindName = function (i) { return S[E.kind[i]]; };
  var receiptKinds = {};
  data.receiptKinds.forEach(function (k) { receiptKinds[k] = true; });

  // Messages and the events that mention each (compressed rows).
  var M = data.messages.id.length;
  var msgSend = data.messages.send;
  var msgStart = new Int32Array(M + 1);
  for (var i = 0; i < n; i++) if (E.msg[i] >= 0) msgStart[E.msg[i] + 1]++;
  for (var m = 0; m < M; m++) msgStart[m + 1] += msgStart[m];
  var msgEvents = new Int32Array(msgStart[M]);
  (function () {
    var fill = msgStart.slice(0, M);
    for (var i = 0; i < n; i++) if (E.msg[i] >= 0) msgEvents[fill[E.msg[i]]++] = i;
  })();
  function msgText(m) { return S[data.messages.group[m]] + ' ' + data.messages.id[m]; }

  // Arrows: from the send of a message to each of its receipts on another process.
  var arrowFrom = [], arrowTo = [], arrowToDeliver = [];
  for (var r = 0; r < n; r++) {
    var mm = E.msg[r];
    if (mm < 0 || !receiptKinds[kindName(r)]) continue;
    var s = msgSend[mm];
    if (s < 0 || proc[s] === proc[r]) continue;
    arrowFrom.push(s); arrowTo.push(r); arrowToDeliver.push(kindName(r) === 'deliver' ? 1 : 0);
  }
  var A = arrowFrom.length;
  arrowFrom = Int32Array.from(arrowFrom);
  arrowTo = Int32Array.from(arrowTo);
  arrowToDeliver = Uint8Array.from(arrowToDeliver);
  var arrowsOfMsg = function (m, each) {
    for (var j = msgStart[m]; j < msgStart[m + 1]; j++) {
      var r = msgEvents[j];
      if (receiptKinds[kindName(r)] && msgSend[m] >= 0 && proc[msgSend[m]] !== proc[r]) each(msgSend[m], r);
    }
  };

  // Highlights: the offences the checkers kept. 2 = a promised property broke here, 1 = an unpromised one.
  var highlights = data.highlights;
  var eventMark = new Uint8Array(n);
  var msgMark = new Uint8Array(M);     // 4/3 the offending message, 2/1 a message it involves
  var offencesAt = {};                  // event index -> offence texts
  var highlightedIds = {};
  highlights.forEach(function (h) {
    var level = h.promised ? 2 : 1;
    h.events.forEach(function (i) {
      eventMark[i] = Math.max(eventMark[i], level);
      (offencesAt[i] = offencesAt[i] || []).push(h.property + ': ' + h.what);
    });
    if (h.msg >= 0) {
      msgMark[h.msg] = Math.max(msgMark[h.msg], level + 2);
      highlightedIds[data.messages.id[h.msg]] = true;
    }
    h.involved.forEach(function (m) { if (m >= 0) msgMark[m] = Math.max(msgMark[m], level); });
  });
  var highlightedEvents = 0;
  for (var h = 0; h < n; h++) if (eventMark[h]) highlightedEvents++;

  // ---- view state ----

  var scroller = $('scroller'), spacer = $('spacer'), canvas = $('canvas'), ctx = canvas.getContext('2d');
  var tooltip = $('tooltip'), status = $('status'), selectionPanel = $('selection'), lifelineBar = $('lifelines');
  var GUTTER = 70, PAD = 24, MAX_CONTENT_PX = 15e6;
  var MAX_ARROWS_PER_FRAME = 3000, MAX_ARROW_INK_PER_FRAME = 400000;
  var laneW = P === 0 ? 200 : Math.max(110, Math.min(260, Math.floor((scroller.clientWidth - GUTTER - 20) / P)));
  var axis = 'lamport';
  var y = new Float64Array(n);         // the current axis, in its own units (Lamport ticks, or ms)
  var yMin = 0, yMax = 1, scale = 12;  // px per unit
  var visible = new Uint8Array(n).fill(1);
  var showReceive = true, showDeliver = true;
  var selected = -1;                   // a message index
  var hovered = -1;
  var currentOffence = -1;
  var arrowIndex;                      // per axis: arrows sorted by the y of their send, and the long ones
  var lastFrame = {};

  function computeAxis() {
    for (var p = 0; p < P; p++) {
      var pr = processes[p];
      for (var i = pr.first, end = pr.first + pr.count; i < end; i++) {
        var v = axis === 'lamport' ? lamport[i] : ts[i] / 1000;
        y[i] = i > pr.first && v < y[i - 1] ? y[i - 1] : v;
      }
    }
    yMin = Infinity; yMax = -Infinity;
    for (var i = 0; i < n; i++) { if (y[i] < yMin) yMin = y[i]; if (y[i] > yMax) yMax = y[i]; }
    if (n === 0) { yMin = 0; yMax = 1; }
    if (yMax === yMin) yMax = yMin + 1;
    // Arrows sorted by where they start; those much longer than most are kept apart and always checked,
    // so a window query is a binary search plus a short scan.
    var order = Array.from({ length: A }, function (_, a) { return a; });
    order.sort(function (a, b) { return y[arrowFrom[a]] - y[arrowFrom[b]]; });
    var spans = order.map(function (a) { return y[arrowTo[a]] - y[arrowFrom[a]]; }).sort(function (a, b) { return a - b; });
    var longer = spans.length ? Math.max(spans[Math.floor(spans.length * 0.99)] * 1.5, 1e-9) : 0;
    var shortIdx = [], shortY = [], longIdx = [];
    order.forEach(function (a) {
      if (y[arrowTo[a]] - y[arrowFrom[a]] > longer) longIdx.push(a); else { shortIdx.push(a); shortY.push(y[arrowFrom[a]]); }
    });
    arrowIndex = { longest: longer, shortIdx: Int32Array.from(shortIdx), shortY: Float64Array.from(shortY), longIdx: Int32Array.from(longIdx) };
  }

  function fitScale() {
    return Math.max(1e-9, (scroller.clientHeight - 2 * PAD) / (yMax - yMin));
  }
  function maxScale() { return axis === 'lamport' ? 80 : 400; }
  function clampScale(s) {
    var lo = Math.min(fitScale(), maxScale());
    return Math.max(lo, Math.min(maxScale(), Math.min(s, MAX_CONTENT_PX / (yMax - yMin))));
  }
  // The scroll offsets, read once per frame: reading them from the DOM for each of thousands of
  // marks costs more than drawing the marks.
  var scrollLeft = 0, scrollTop = 0;
  function readScroll() { scrollLeft = scroller.scrollLeft; scrollTop = scroller.scrollTop; }
  function laneX(p) { return GUTTER + laneW / 2 + p * laneW - scrollLeft; }
  function yPx(v) { return PAD + (v - yMin) * scale - scrollTop; }
  function yAtPx(px) { return yMin + (px + scrollTop - PAD) / scale; }

  function layout() {
    spacer.style.width = (GUTTER + P * laneW + 20) + 'px';
    spacer.style.height = Math.ceil((yMax - yMin) * scale + 2 * PAD) + 'px';
    var dpr = window.devicePixelRatio || 1;
    var w = scroller.clientWidth, h = scroller.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
      canvas.style.width = w + 'px'; canvas.style.height = h + 'px';
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  // ---- lifeline labels ----

  var labels = processes.map(function (pr) {
    var d = document.createElement('div');
    d.className = 'lifeline' + (pr.crashed ? ' crashed' : '');
    d.textContent = pr.name + (pr.crashed ? ' ✕' : '');
    d.title = 'node ' + pr.node + ', actor ' + pr.actor + ' — ' + pr.count + ' events' + (pr.crashed ? '; the node crashed (no stop line)' : '');
    d.dataset.process = pr.name;
    lifelineBar.appendChild(d);
    return d;
  });
  function placeLabels() {
    labels.forEach(function (d, p) { d.style.left = laneX(p) + 'px'; });
  }

  // ---- drawing ----

  var KIND_COLORS = {
    multicast: '#1a56db', send: '#1a56db', receive: '#8a94a6', deliver: '#1f9d55', retransmit: '#e07b00',
    nack: '#9b59b6', drop: '#c0392b', duplicate: '#c0392b', reject: '#c0392b', view: '#444444', close: '#444444'
  };
  var OTHER_COLOR = '#7f8c8d';
  function colorOf(i) { return KIND_COLORS[kindName(i)] || OTHER_COLOR; }
  // For clustering: which kind a pixel row shows when several share it, the most telling first.
  var RANK_OF_KIND = { drop: 6, duplicate: 6, reject: 6, multicast: 5, send: 5, retransmit: 4, deliver: 3, receive: 2 };
  var RANKED_COLORS = [null, OTHER_COLOR, KIND_COLORS.receive, KIND_COLORS.deliver, KIND_COLORS.retransmit, KIND_COLORS.multicast, KIND_COLORS.drop];
  var kindRank = S.map(function (k) { return RANK_OF_KIND[k] || 1; });
  var rowRank = new Uint8Array(8192);

  function lowerBound(arr, from, to, v) {  // first index in [from, to) with arr[index] >= v
    while (from < to) { var mid = (from + to) >>> 1; if (arr[mid] < v) from = mid + 1; else to = mid; }
    return from;
  }

  function arrowShown(a) {
    if (arrowToDeliver[a] ? !showDeliver : !showReceive) return false;
    return visible[arrowFrom[a]] && visible[arrowTo[a]];
  }

  function draw() {
    var started = performance.now();
    layout();
    readScroll();
    placeLabels();
    var w = scroller.clientWidth, h = scroller.clientHeight;
    ctx.clearRect(0, 0, w, h);
    var margin = 12 / scale;
    var y0 = yAtPx(0) - margin, y1 = yAtPx(h) + margin;
    var pFrom = Math.max(0, Math.floor((scroller.scrollLeft - GUTTER) / laneW) - 1);
    var pTo = Math.min(P - 1, Math.ceil((scroller.scrollLeft + w - GUTTER) / laneW) + 1);

    // Lifelines.
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#c5ccd8';
    ctx.beginPath();
    for (var p = pFrom; p <= pTo; p++) {
      var pr = processes[p];
      if (!pr.count) continue;
      var x = Math.round(laneX(p)) + 0.5;
      ctx.moveTo(x, Math.max(-5, yPx(y[pr.first]) - 8));
      ctx.lineTo(x, Math.min(h + 5, yPx(y[pr.first + pr.count - 1]) + 8));
    }
    ctx.stroke();
    for (p = pFrom; p <= pTo; p++) {
      pr = processes[p];
      if (!pr.crashed || !pr.count) continue;
      var yEnd = yPx(y[pr.first + pr.count - 1]) + 14;
      if (yEnd > -10 && yEnd < h + 10) {
        ctx.strokeStyle = '#b3261e'; ctx.lineWidth = 2; ctx.beginPath();
        x = laneX(p);
        ctx.moveTo(x - 6, yEnd - 6); ctx.lineTo(x + 6, yEnd + 6); ctx.moveTo(x + 6, yEnd - 6); ctx.lineTo(x - 6, yEnd + 6);
        ctx.stroke(); ctx.lineWidth = 1;
      }
    }

    // Arrows in the window: short ones by binary search on their start, long ones all checked.
    var inWindow = [];
    var ai = arrowIndex;
    for (var j = lowerBound(ai.shortY, 0, ai.shortY.length, y0 - ai.longest); j < ai.shortY.length && ai.shortY[j] <= y1; j++) {
      var a = ai.shortIdx[j];
      if (y[arrowTo[a]] >= y0 && arrowShown(a)) inWindow.push(a);
    }
    for (j = 0; j < ai.longIdx.length; j++) {
      a = ai.longIdx[j];
      if (y[arrowFrom[a]] <= y1 && y[arrowTo[a]] >= y0 && arrowShown(a)) inWindow.push(a);
    }
    // Sampled to a budget of arrows and of ink (their length on screen, clipped to it): a few thousand
    // short arrows draw in a millisecond, as many lines across the whole view do not, and show nothing more.
    var ink = 0;
    for (j = 0; j < inWindow.length; j++) {
      a = inWindow[j];
      var top = Math.max(0, yPx(y[arrowFrom[a]])), bottom = Math.min(h, yPx(y[arrowTo[a]]));
      ink += Math.max(0, bottom - top) + Math.abs(proc[arrowTo[a]] - proc[arrowFrom[a]]) * laneW * 0.3;
    }
    var stride = Math.max(1, Math.ceil(inWindow.length / MAX_ARROWS_PER_FRAME), Math.ceil(ink / MAX_ARROW_INK_PER_FRAME));
    var marked = [];
    var paths = [[], []];
    for (j = 0; j < inWindow.length; j++) {
      a = inWindow[j];
      var m = E.msg[arrowTo[a]];
      if (msgMark[m] || m === selected) marked.push(a);
      else if (j % stride === 0) paths[arrowToDeliver[a]].push(a);
    }
    var heads = scale >= 6 && inWindow.length <= 3000;
    strokeArrows(paths[0], 'rgba(26, 86, 219, 0.38)', 1, heads);
    strokeArrows(paths[1], 'rgba(31, 157, 85, 0.34)', 1, heads);
    var drawnHighlights = 0;
    [[1, 'rgba(230, 126, 0, 0.75)'], [2, 'rgba(208, 2, 27, 0.55)'], [3, 'rgba(230, 126, 0, 0.95)'], [4, 'rgba(208, 2, 27, 0.95)']]
      .forEach(function (level) {
        var these = marked.filter(function (a) { var mk = msgMark[E.msg[arrowTo[a]]]; return mk === level[0] && E.msg[arrowTo[a]] !== selected; });
        strokeArrows(these, level[1], level[0] >= 3 ? 2.2 : 1.6, true);
        drawnHighlights += level[0] >= 3 ? these.length : 0;
      });
    strokeArrows(marked.filter(function (a) { return E.msg[arrowTo[a]] === selected; }), 'rgba(26, 86, 219, 1)', 2.4, true);

    // Events. Where there are more than one per two pixels of a lifeline, they are clustered: each
    // pixel row of a lifeline shows the most telling kind among its events (drops, then sends, then
    // retransmissions, deliveries, receipts), which costs one pass over the window and at most one
    // mark per pixel row, however far out the zoom.
    var eventsInWindow = 0, eventsDrawn = 0, rings = [];
    var lanes = Math.max(1, pTo - pFrom + 1);
    for (p = pFrom; p <= pTo; p++) {
      pr = processes[p];
      var from = lowerBound(y, pr.first, pr.first + pr.count, y0);
      eventsInWindow += lowerBound(y, from, pr.first + pr.count, y1 + 1e-9) - from;
    }
    var clustered = eventsInWindow > lanes * h / 2;
    if (rowRank.length < h + 2) rowRank = new Uint8Array(h + 2);
    var byColor = {};
    for (p = pFrom; p <= pTo; p++) {
      pr = processes[p];
      x = laneX(p);
      from = lowerBound(y, pr.first, pr.first + pr.count, y0);
      var to = lowerBound(y, from, pr.first + pr.count, y1 + 1e-9);
      if (clustered) rowRank.fill(0, 0, h + 1);
      for (var i = from; i < to; i++) {
        if (!visible[i]) continue;
        if (eventMark[i] || (selected >= 0 && E.msg[i] === selected) || i === hovered) rings.push(i);
        if (clustered) {
          var row = Math.floor(yPx(y[i]));
          if (row >= 0 && row <= h && kindRank[E.kind[i]] > rowRank[row]) rowRank[row] = kindRank[E.kind[i]];
        } else {
          var c = colorOf(i);
          (byColor[c] = byColor[c] || []).push(x, yPx(y[i]));
          eventsDrawn++;
        }
      }
      if (clustered) {
        for (row = 0; row <= h; row++) {
          if (!rowRank[row]) continue;
          var rowColor = RANKED_COLORS[rowRank[row]];
          var run = row;
          while (run + 1 <= h && rowRank[run + 1] === rowRank[row]) run++;
          (byColor[rowColor] = byColor[rowColor] || []).push(x, row, run - row + 1);
          eventsDrawn++;
          row = run;
        }
      }
    }
    Object.keys(byColor).forEach(function (c) {
      var pts = byColor[c];
      ctx.fillStyle = c;
      ctx.beginPath();
      if (clustered) {
        for (var k = 0; k < pts.length; k += 3) ctx.rect(pts[k] - 2.5, pts[k + 1], 5, pts[k + 2]);
      } else if (scale < 4) {
        for (k = 0; k < pts.length; k += 2) ctx.rect(pts[k] - 2, pts[k + 1] - 1.5, 4, 3);
      } else {
        for (k = 0; k < pts.length; k += 2) { ctx.moveTo(pts[k] + 3.5, pts[k + 1]); ctx.arc(pts[k], pts[k + 1], 3.5, 0, 2 * Math.PI); }
      }
      ctx.fill();
    });
    rings.forEach(function (i) {
      var ring = eventMark[i] === 2 ? '#d0021b' : eventMark[i] === 1 ? '#e67e00' : i === hovered ? '#111111' : '#1a56db';
      ctx.strokeStyle = ring; ctx.lineWidth = eventMark[i] ? 2.5 : 2;
      ctx.beginPath(); ctx.arc(laneX(proc[i]), yPx(y[i]), eventMark[i] ? 8 : 6, 0, 2 * Math.PI); ctx.stroke();
      if (eventMark[i]) drawnHighlights++;
    });
    ctx.lineWidth = 1;

    drawAxis(w, h);
    var frameMs = performance.now() - started;
    lastFrame = { arrowsInWindow: inWindow.length, arrowsDrawn: paths[0].length + paths[1].length + marked.length,
      arrowStride: stride, eventsDrawn: eventsDrawn, eventsInWindow: eventsInWindow, clustered: clustered,
      highlights: drawnHighlights, ms: frameMs };
    root.dataset.drawnArrows = lastFrame.arrowsDrawn;
    root.dataset.drawnEvents = eventsDrawn;
    root.dataset.drawnHighlights = drawnHighlights;
    root.dataset.frameMs = frameMs.toFixed(1);
    root.dataset.eventsInWindow = eventsInWindow;
    status.textContent = describeFrame(y0 + margin, y1 - margin);
  }

  function strokeArrows(list, color, width, heads) {
    if (!list.length) return;
    ctx.strokeStyle = color; ctx.lineWidth = width;
    ctx.beginPath();
    for (var k = 0; k < list.length; k++) {
      var a = list[k];
      ctx.moveTo(laneX(proc[arrowFrom[a]]), yPx(y[arrowFrom[a]]));
      ctx.lineTo(laneX(proc[arrowTo[a]]), yPx(y[arrowTo[a]]));
    }
    ctx.stroke();
    if (!heads) return;
    ctx.fillStyle = color;
    ctx.beginPath();
    for (k = 0; k < list.length; k++) {
      a = list[k];
      var x1 = laneX(proc[arrowFrom[a]]), y1 = yPx(y[arrowFrom[a]]), x2 = laneX(proc[arrowTo[a]]), y2 = yPx(y[arrowTo[a]]);
      var len = Math.hypot(x2 - x1, y2 - y1);
      if (len < 14) continue;
      var ux = (x2 - x1) / len, uy = (y2 - y1) / len, bx = x2 - ux * 4, by = y2 - uy * 4;
      ctx.moveTo(bx, by);
      ctx.lineTo(bx - ux * 8 - uy * 3.5, by - uy * 8 + ux * 3.5);
      ctx.lineTo(bx - ux * 8 + uy * 3.5, by - uy * 8 - ux * 3.5);
      ctx.closePath();
    }
    ctx.fill();
  }

  function niceStep(raw) {
    var pow = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / pow;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
  }

  function drawAxis(w, h) {
    ctx.fillStyle = 'rgba(255, 255, 255, 0.94)';
    ctx.fillRect(0, 0, GUTTER - 6, h);
    ctx.strokeStyle = '#d8dde6';
    ctx.beginPath(); ctx.moveTo(GUTTER - 5.5, 0); ctx.lineTo(GUTTER - 5.5, h); ctx.stroke();
    var step = niceStep(60 / scale);
    var first = Math.ceil(yAtPx(0) / step) * step;
    ctx.fillStyle = '#5d6675';
    ctx.font = '11px ui-monospace, monospace';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (var v = first; v <= yAtPx(h); v += step) {
      var py = yPx(v);
      ctx.fillText(axis === 'lamport' ? 'L ' + Math.round(v) : formatMs(v), GUTTER - 10, py);
      ctx.fillRect(GUTTER - 8, py, 3, 1);
    }
  }

  function formatMs(ms) {
    return Math.abs(ms) >= 1000 ? (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2) + ' s' : ms.toFixed(ms >= 10 || ms === 0 ? 0 : 1) + ' ms';
  }

  function describeFrame(a, b) {
    if (n === 0) return 'No protocol events to draw.';
    a = Math.max(yMin, a); b = Math.min(yMax, b);
    var where = axis === 'lamport' ? 'Lamport ' + Math.max(0, Math.round(a)) + '–' + Math.round(b) : formatMs(a) + ' – ' + formatMs(b);
    return where + ' of ' + (axis === 'lamport' ? Math.round(yMax) : formatMs(yMax)) + ' · ' + lastFrame.eventsDrawn + ' events and '
      + lastFrame.arrowsDrawn + ' arrows drawn' + (lastFrame.arrowStride > 1 ? ' (1 in ' + lastFrame.arrowStride + ' arrows at this zoom; zoom in for all)' : '')
      + (lastFrame.clustered ? ' (' + lastFrame.eventsInWindow + ' events clustered into ' + lastFrame.eventsDrawn + ' marks: zoom in to see each)' : '')
      + ' · ' + n + ' events, ' + A + ' arrows, ' + P + ' lifelines in all';
  }

  var frameRequested = false;
  function redraw() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(function () { frameRequested = false; draw(); });
  }

  // ---- interaction ----

  function eventAt(mx, my) {
    readScroll();
    var p = Math.round((mx + scroller.scrollLeft - GUTTER - laneW / 2) / laneW);
    if (p < 0 || p >= P || Math.abs(laneX(p) - mx) > 12) return -1;
    var pr = processes[p];
    var target = yAtPx(my);
    var k = lowerBound(y, pr.first, pr.first + pr.count, target);
    var best = -1, bestPx = 9;
    for (var i = Math.max(pr.first, k - 3); i < Math.min(pr.first + pr.count, k + 3); i++) {
      var d = Math.abs(yPx(y[i]) - my);
      if (visible[i] && d < bestPx) { best = i; bestPx = d; }
    }
    return best;
  }

  /** The visible event closest in time to {@code target} on any lifeline: what the view is "at". */
  function nearestEvent(target) {
    var best = -1, bestDistance = Infinity;
    for (var p = 0; p < P; p++) {
      var pr = processes[p];
      var k = lowerBound(y, pr.first, pr.first + pr.count, target);
      for (var i = Math.max(pr.first, k - 2); i < Math.min(pr.first + pr.count, k + 2); i++) {
        if (visible[i] && Math.abs(y[i] - target) < bestDistance) { best = i; bestDistance = Math.abs(y[i] - target); }
      }
    }
    return best;
  }

  function clockText(i) {
    var c = clockOf(i), parts = [];
    for (var p = 0; p < P; p++) if (c[p]) parts.push('"' + processes[p].name + '":' + c[p]);
    return '{' + parts.join(',') + '}';
  }

  function describe(i) {
    var pr = processes[proc[i]];
    var lines = [];
    var m = E.msg[i];
    lines.push(kindName(i) + (E.group[i] >= 0 ? ' ' + S[E.group[i]] : '') + (m >= 0 ? ' ' + data.messages.id[m] : '') + '   [' + S[E.proto[i]] + ']');
    lines.push('at ' + pr.name + (pr.name === pr.node ? ' (actor ' + pr.actor + ')' : '') + ' · lseq ' + lseq[i] + ' · ' + S[E.file[i]] + ':' + line[i]);
    lines.push('Lamport ' + lamport[i] + ' · ts +' + (ts[i] / 1000).toFixed(3) + ' ms (' + new Date((data.t0 + ts[i]) / 1000).toISOString() + ')');
    lines.push('clock (from the trace) ' + clockText(i));
    if (E.vc[i] >= 0) lines.push("protocol's vc " + S[E.vc[i]]);
    if (E.extra[i] >= 0) lines.push('fields ' + S[E.extra[i]]);
    if (m >= 0 && receiptKinds[kindName(i)] && msgSend[m] >= 0 && msgSend[m] !== i) {
      var s = msgSend[m];
      lines.push('sent by ' + processes[proc[s]].name + ' at Lamport ' + lamport[s] + ', ' + ((ts[i] - ts[s]) / 1000).toFixed(3) + ' ms before');
    }
    (offencesAt[i] || []).forEach(function (t) { lines.push('VIOLATION ' + t); });
    return lines.join('\n');
  }

  scroller.addEventListener('scroll', redraw, { passive: true });
  window.addEventListener('resize', redraw);
  scroller.addEventListener('mousemove', function (ev) {
    var rect = scroller.getBoundingClientRect();
    var mx = ev.clientX - rect.left, my = ev.clientY - rect.top;
    var i = eventAt(mx, my);
    if (i !== hovered) { hovered = i; redraw(); }
    if (i < 0) { tooltip.hidden = true; return; }
    tooltip.textContent = describe(i);
    tooltip.hidden = false;
    var stageTop = $('stage').offsetTop;
    var left = mx + 16, top = my + stageTop + 12;
    if (left + tooltip.offsetWidth > root.clientWidth) left = Math.max(0, mx - tooltip.offsetWidth - 16);
    if (top + tooltip.offsetHeight > root.clientHeight) top = Math.max(0, my + stageTop - tooltip.offsetHeight - 12);
    tooltip.style.left = left + 'px';
    tooltip.style.top = top + 'px';
  });
  scroller.addEventListener('mouseleave', function () { tooltip.hidden = true; hovered = -1; redraw(); });
  scroller.addEventListener('click', function (ev) {
    var rect = scroller.getBoundingClientRect();
    var i = eventAt(ev.clientX - rect.left, ev.clientY - rect.top);
    select(i >= 0 ? E.msg[i] : -1);
  });
  scroller.addEventListener('wheel', function (ev) {
    if (!ev.ctrlKey && !ev.metaKey) return;
    ev.preventDefault();
    var rect = scroller.getBoundingClientRect();
    zoomAt(scale * Math.exp(-ev.deltaY * 0.0015), ev.clientY - rect.top);
  }, { passive: false });

  function zoomAt(newScale, anchorPx) {
    readScroll();
    var anchor = yAtPx(anchorPx);
    scale = clampScale(newScale);
    layout();
    scroller.scrollTop = PAD + (anchor - yMin) * scale - anchorPx;
    draw();
  }

  function select(m) {
    selected = m;
    if (m < 0) { selectionPanel.hidden = true; redraw(); return; }
    var evs = Array.from(msgEvents.subarray(msgStart[m], msgStart[m + 1])).sort(function (a, b) { return y[a] - y[b]; });
    var send = msgSend[m];
    var text = ['message ' + msgText(m) + (send >= 0 ? ', sent by ' + processes[proc[send]].name : ', no send traced')];
    evs.forEach(function (i) {
      text.push('  ' + processes[proc[i]].name.padEnd(12) + ' ' + kindName(i).padEnd(11) + ' Lamport ' + String(lamport[i]).padEnd(7)
        + (send >= 0 ? ' +' + ((ts[i] - ts[send]) / 1000).toFixed(3) + ' ms' : '') + (eventMark[i] ? '   ← violation' : ''));
    });
    selectionPanel.textContent = text.join('\n');
    selectionPanel.hidden = false;
    redraw();
  }

  function goTo(i) {
    var h = scroller.clientHeight;
    layout();
    scroller.scrollTop = PAD + (y[i] - yMin) * scale - h / 2;
    var x = GUTTER + laneW / 2 + proc[i] * laneW;
    if (x < scroller.scrollLeft + GUTTER || x > scroller.scrollLeft + scroller.clientWidth - 20) {
      scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 2);
    }
    draw();
  }

  function showOffence(k) {
    var hl = highlights[k];
    if (!hl) return;
    currentOffence = k;
    document.querySelectorAll('li.offence.current').forEach(function (li) { li.classList.remove('current'); });
    var li = document.querySelector('li.offence[data-h="' + k + '"]');
    if (li) li.classList.add('current');
    var target = hl.events.length ? hl.events[0] : hl.msg >= 0 && msgSend[hl.msg] >= 0 ? msgSend[hl.msg] : -1;
    if (hl.msg >= 0) select(hl.msg);
    selectionPanel.textContent = (hl.promised ? 'VIOLATION ' : 'violation (not promised) ') + hl.property + ': ' + hl.what
      + (hl.msg >= 0 ? '\n' + selectionPanel.textContent : '');
    selectionPanel.hidden = false;
    if (target >= 0) {
      if (!visible[target]) { resetFilters(); }
      goTo(target);
    }
  }

  document.querySelectorAll('li.offence').forEach(function (li) {
    li.addEventListener('click', function () {
      showOffence(Number(li.dataset.h));
      root.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  });
  $('next-offence').addEventListener('click', function () {
    if (highlights.length) showOffence((currentOffence + 1) % highlights.length);
  });
  $('next-offence').disabled = highlights.length === 0;

  // ---- filters, axis, zoom ----

  var fGroup = $('f-group'), fProto = $('f-proto'), fMsg = $('f-msg'), fAxis = $('f-axis');
  function fillSelect(select, column) {
    var seen = {};
    for (var i = 0; i < n; i++) if (column[i] >= 0) seen[column[i]] = true;
    Object.keys(seen).map(Number).sort(function (a, b) { return S[a] < S[b] ? -1 : 1; }).forEach(function (k) {
      var o = document.createElement('option');
      o.value = String(k); o.textContent = S[k];
      select.appendChild(o);
    });
  }
  fillSelect(fGroup, E.group);
  fillSelect(fProto, E.proto);

  function applyFilters() {
    var g = fGroup.value === '' ? -1 : Number(fGroup.value);
    var pr = fProto.value === '' ? -1 : Number(fProto.value);
    var q = fMsg.value.trim();
    var msgOk = null, exact = -1;
    if (q) {
      msgOk = new Uint8Array(M);
      var prefix = q.indexOf(':') < 0 ? q + ':' : (q.endsWith(':') ? q : null);
      for (var m = 0; m < M; m++) {
        var id = data.messages.id[m];
        if (id === q || (prefix && id.startsWith(prefix))) { msgOk[m] = 1; if (id === q && exact < 0) exact = m; }
      }
    }
    for (var i = 0; i < n; i++) {
      visible[i] = (g < 0 || E.group[i] === g) && (pr < 0 || E.proto[i] === pr) && (!msgOk || (E.msg[i] >= 0 && msgOk[E.msg[i]])) ? 1 : 0;
    }
    if (exact >= 0) {
      select(exact);
      var first = msgSend[exact] >= 0 ? msgSend[exact] : msgEvents[msgStart[exact]];
      if (first !== undefined) goTo(first);
    }
    redraw();
  }
  function resetFilters() {
    fGroup.value = ''; fProto.value = ''; fMsg.value = '';
    visible.fill(1);
  }
  fGroup.addEventListener('change', applyFilters);
  fProto.addEventListener('change', applyFilters);
  fMsg.addEventListener('input', applyFilters);
  fAxis.addEventListener('change', function () {
    readScroll();
    var centre = nearestEvent(yAtPx(scroller.clientHeight / 2));
    var oldRange = yMax - yMin, oldPx = oldRange * scale;
    axis = fAxis.value;
    computeAxis();
    scale = clampScale(oldPx / (yMax - yMin));
    layout();
    if (centre >= 0) goTo(centre); else draw();
  });
  $('f-receive').addEventListener('change', function (e) { showReceive = e.target.checked; redraw(); });
  $('f-deliver').addEventListener('change', function (e) { showDeliver = e.target.checked; redraw(); });
  $('z-in').addEventListener('click', function () { zoomAt(scale * 1.6, scroller.clientHeight / 2); });
  $('z-out').addEventListener('click', function () { zoomAt(scale / 1.6, scroller.clientHeight / 2); });
  $('z-fit').addEventListener('click', function () { zoomAt(fitScale(), scroller.clientHeight / 2); });
  $('w-in').addEventListener('click', function () { laneW = Math.min(600, Math.round(laneW * 1.25)); draw(); });
  $('w-out').addEventListener('click', function () { laneW = Math.max(40, Math.round(laneW / 1.25)); draw(); });

  // ---- legend ----

  (function () {
    var kinds = {};
    for (var i = 0; i < n; i++) kinds[kindName(i)] = true;
    var legend = $('legend');
    Object.keys(kinds).sort().forEach(function (k) {
      var s = document.createElement('span');
      var dot = document.createElement('i');
      dot.style.background = KIND_COLORS[k] || OTHER_COLOR;
      s.appendChild(dot); s.appendChild(document.createTextNode(k));
      legend.appendChild(s);
    });
    [['→ receive', 'rgba(26,86,219,.6)'], ['→ deliver', 'rgba(31,157,85,.6)'], ['violation (promised)', '#d0021b'],
      ['violation (not promised)', '#e67e00'], ['selected message', '#1a56db']].forEach(function (l) {
      var s = document.createElement('span');
      s.innerHTML = '<i style="border-radius:0;height:3px;vertical-align:3px;background:' + l[1] + '"></i>';
      s.appendChild(document.createTextNode(l[0]));
      legend.appendChild(s);
    });
    if (!data.protocolClocks) {
      var note = document.createElement('span');
      note.textContent = "(protocols' own vc left out of this large page; the clock from the trace is shown)";
      legend.appendChild(note);
    }
  })();

  // ---- first frame ----

  computeAxis();
  scale = clampScale(Math.max(12, fitScale() > 40 ? 40 : fitScale()));
  layout();
  root.dataset.lifelines = String(P);
  root.dataset.events = String(n);
  root.dataset.arrows = String(A);
  root.dataset.highlightedEvents = String(highlightedEvents);
  root.dataset.highlightedMessages = Object.keys(highlightedIds).sort().join(' ');
  var firstOffence = -1;
  for (var k = 0; k < highlights.length && firstOffence < 0; k++) if (highlights[k].promised && highlights[k].events.length) firstOffence = k;
  for (k = 0; k < highlights.length && firstOffence < 0; k++) if (highlights[k].events.length) firstOffence = k;
  if (firstOffence >= 0) showOffence(firstOffence); else draw();
  root.dataset.readyMs = performance.now().toFixed(0);

  // #bench: scroll through the whole run frame by frame and record how long each frame took, including
  // the canvas's rasterization (reading one pixel back waits for it), then the same with the whole run in view.
  if (location.hash === '#bench' && n > 0) {
    var startScale = scale, startTop = scroller.scrollTop, startLeft = scroller.scrollLeft;
    var timedFrame = function () {
      var t = performance.now();
      draw();
      ctx.getImageData(0, 0, 1, 1);
      return performance.now() - t;
    };
    var times = [];
    var range = scroller.scrollHeight - scroller.clientHeight;
    for (var f = 0; f <= 100; f++) {
      scroller.scrollTop = range * f / 100;
      times.push(timedFrame());
    }
    var fitTimes = [];
    zoomAt(fitScale(), 0);
    for (f = 0; f < 10; f++) fitTimes.push(timedFrame());
    times.sort(function (a, b) { return a - b; });
    root.dataset.benchFrames = String(times.length);
    root.dataset.benchP50Ms = times[Math.floor(times.length / 2)].toFixed(1);
    root.dataset.benchP95Ms = times[Math.floor(times.length * 0.95)].toFixed(1);
    root.dataset.benchMaxMs = times[times.length - 1].toFixed(1);
    root.dataset.benchFitMs = (fitTimes.reduce(function (s, t) { return s + t; }, 0) / fitTimes.length).toFixed(1);
    scale = startScale;
    layout();
    scroller.scrollTop = startTop;
    scroller.scrollLeft = startLeft;
    draw();
  }
})();
