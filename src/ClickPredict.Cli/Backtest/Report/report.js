// ClickPredict back-test report: draws the charts as inline SVG from the JSON document embedded in
// the page (the same document `clickpredict backtest --json` prints). No libraries, nothing fetched.
// Each chart, once drawn, carries data-rendered="true", data-series and data-points, and each drawn
// line its own data-points, so a headless browser can check what rendered.
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f5fa8', '#d4562b', '#2e8b57', '#8e44ad', '#c79a00', '#17a2b8', '#6c757d', '#d63384', '#8c564b', '#5c7c00'];
  var WIDTH = 520, HEIGHT = 360;
  var MARGIN = { top: 14, right: 18, bottom: 46, left: 64 };

  function color(i) { return COLORS[i % COLORS.length]; }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) { node.setAttribute(key, attrs[key]); }
    }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function text(parent, x, y, content, attrs) {
    var node = el('text', attrs || {}, parent);
    node.setAttribute('x', x);
    node.setAttribute('y', y);
    node.textContent = content;
    return node;
  }

  function tooltip(node, content) {
    var title = document.createElementNS(SVG, 'title');
    title.textContent = content;
    node.appendChild(title);
  }

  // About `count` round tick values covering [min, max].
  function ticks(min, max, count) {
    if (!(max > min)) { return [min]; }
    var raw = (max - min) / count;
    var power = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * power; }).filter(function (s) { return s >= raw; })[0];
    var result = [];
    for (var v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) { result.push(+v.toPrecision(12)); }
    return result;
  }

  function format(v, span) {
    if (span >= 1000) { return Math.round(v).toLocaleString('en-US'); }
    var digits = Math.max(0, Math.min(6, 2 - Math.floor(Math.log(span || 1) / Math.LN10)));
    return v.toFixed(digits);
  }

  // Axes, grid and labels of a chart; returns scales and the plot group.
  function frame(svg, x, y, xLabel, yLabel, noYTicks) {
    var left = MARGIN.left, right = WIDTH - MARGIN.right, top = MARGIN.top, bottom = HEIGHT - MARGIN.bottom;
    var sx = function (v) { return left + (v - x[0]) / (x[1] - x[0]) * (right - left); };
    var sy = function (v) { return bottom - (v - y[0]) / (y[1] - y[0]) * (bottom - top); };
    var grid = el('g', { 'class': 'grid' }, svg);
    var axis = el('g', { 'class': 'axis' }, svg);
    ticks(x[0], x[1], 5).forEach(function (v) {
      el('line', { x1: sx(v), x2: sx(v), y1: top, y2: bottom }, grid);
      text(axis, sx(v), bottom + 16, format(v, x[1] - x[0]), { 'text-anchor': 'middle' });
    });
    (noYTicks ? [] : ticks(y[0], y[1], 5)).forEach(function (v) {
      el('line', { x1: left, x2: right, y1: sy(v), y2: sy(v) }, grid);
      text(axis, left - 6, sy(v) + 4, format(v, y[1] - y[0]), { 'text-anchor': 'end' });
    });
    el('path', { d: 'M' + left + ',' + top + 'V' + bottom + 'H' + right, fill: 'none' }, axis);
    text(svg, (left + right) / 2, HEIGHT - 8, xLabel, { 'class': 'label', 'text-anchor': 'middle' });
    var yText = text(svg, 0, 0, yLabel, { 'class': 'label', 'text-anchor': 'middle' });
    yText.setAttribute('transform', 'translate(14,' + ((top + bottom) / 2) + ') rotate(-90)');
    var plot = el('g', { 'class': 'plot' }, svg);
    return { x: sx, y: sy, plot: plot };
  }

  // A polyline through `points`; `name` (the spec) goes in data-spec, `label` in its tooltip.
  function line(f, points, cls, stroke, name, label) {
    var d = points.map(function (p, i) {
      return (i === 0 ? 'M' : 'L') + f.x(p[0]).toFixed(2) + ',' + f.y(p[1]).toFixed(2);
    }).join('');
    var path = el('path', { 'class': cls, d: d, stroke: stroke, 'data-points': points.length }, f.plot);
    if (name) { path.setAttribute('data-spec', name); tooltip(path, label || name); }
    return path;
  }

  function done(svg, series, points) {
    svg.setAttribute('data-series', series);
    svg.setAttribute('data-points', points);
    svg.setAttribute('data-rendered', 'true');
  }

  function extent(values, pad) {
    var min = Math.min.apply(null, values), max = Math.max.apply(null, values);
    var margin = (max - min) * pad || Math.abs(max) * 0.05 || 0.01;
    return [min - margin, max + margin];
  }

  function drawRoc(svg, specs) {
    var f = frame(svg, [0, 1], [0, 1], 'false positive rate', 'true positive rate');
    line(f, [[0, 0], [1, 1]], 'reference', '#9aa4ae');
    var series = 0, points = 0;
    specs.forEach(function (s) {
      var roc = s.curves.roc;
      if (roc.length < 2) { return; }
      line(f, roc, 'series', s.color, s.name, s.name + ' (AUC ' + (s.metrics.auc === null ? 'n/a' : s.metrics.auc.toFixed(4)) + ')');
      series++; points += roc.length;
    });
    done(svg, series, points);
  }

  function drawReliability(svg, specs) {
    var all = [];
    specs.forEach(function (s) {
      s.metrics.reliability.forEach(function (b) { all.push(b.meanPredicted, b.observedRate); });
    });
    var top = Math.min(1, Math.max.apply(null, all.concat([1e-6])) * 1.08);
    var f = frame(svg, [0, top], [0, top], 'mean predicted CTR (equal-count bins)', 'observed CTR');
    line(f, [[0, 0], [top, top]], 'reference', '#9aa4ae');
    var series = 0, points = 0;
    specs.forEach(function (s) {
      var bins = s.metrics.reliability.map(function (b) { return [b.meanPredicted, b.observedRate, b.count]; });
      if (bins.length === 0) { return; }
      line(f, bins, 'series', s.color, s.name, s.name + ' (calibration ' + (s.metrics.calibration === null ? 'n/a' : s.metrics.calibration.toFixed(3)) + ')');
      bins.forEach(function (b) {
        var dot = el('circle', { 'class': 'point', cx: f.x(b[0]).toFixed(2), cy: f.y(b[1]).toFixed(2), r: 3.5, fill: s.color, 'data-spec': s.name }, f.plot);
        tooltip(dot, s.name + ': predicted ' + b[0].toFixed(4) + ', observed ' + b[1].toFixed(4) + ' over ' + b[2] + ' rows');
      });
      series++; points += bins.length;
    });
    done(svg, series, points);
  }

  function drawLogLoss(svg, specs) {
    var xs = [], ys = [];
    specs.forEach(function (s) {
      // The first checkpoints average only a few rows; leave the first tenth out of the y range.
      var curve = s.curves.logLossOverTime;
      curve.forEach(function (p, i) { xs.push(p[0]); if (i >= curve.length / 10) { ys.push(p[1]); } });
    });
    var f = frame(svg, [0, Math.max.apply(null, xs.concat([1]))], extent(ys.length ? ys : [0, 1], 0.08), 'test rows, in order', 'cumulative log loss');
    var series = 0, points = 0;
    specs.forEach(function (s) {
      var curve = s.curves.logLossOverTime;
      if (curve.length === 0) { return; }
      line(f, curve, 'series', s.color, s.name, s.name + ' (final ' + curve[curve.length - 1][1].toFixed(5) + ')');
      series++; points += curve.length;
    });
    var clip = el('clipPath', { id: 'clip-logloss' }, svg);
    el('rect', { x: MARGIN.left, y: MARGIN.top, width: WIDTH - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom }, clip);
    f.plot.setAttribute('clip-path', 'url(#clip-logloss)');
    done(svg, series, points);
  }

  function drawDelta(svg, specs, confidence) {
    var compared = specs.filter(function (s) { return s.vsBaseline && s.vsBaseline.logLoss.lower !== null; });
    var values = [0];
    compared.forEach(function (s) { values.push(s.vsBaseline.logLoss.lower, s.vsBaseline.logLoss.upper); });
    var x = extent(values, 0.12);
    var f = frame(svg, x, [0, Math.max(1, compared.length) + 1], 'log loss, candidate - baseline (' + Math.round(confidence * 100) + '% CI; left of 0 is better)', '', true);
    line(f, [[0, 0], [0, Math.max(1, compared.length) + 1]], 'reference', '#9aa4ae');
    compared.forEach(function (s, i) {
      var d = s.vsBaseline.logLoss, row = compared.length - i;
      var bar = el('line', { 'class': 'interval', x1: f.x(d.lower).toFixed(2), x2: f.x(d.upper).toFixed(2), y1: f.y(row), y2: f.y(row), stroke: s.color }, f.plot);
      tooltip(bar, s.name + ': ' + d.difference.toExponential(3) + ' [' + d.lower.toExponential(3) + ', ' + d.upper.toExponential(3) + ']');
      el('circle', { 'class': 'estimate', cx: f.x(d.difference).toFixed(2), cy: f.y(row), r: 5, fill: s.color, 'data-spec': s.name }, f.plot);
      text(f.plot, MARGIN.left + 6, f.y(row) - 9, s.name + (d.excludesZero ? ' (interval excludes 0)' : ''), { 'text-anchor': 'start', 'class': 'label' });
    });
    done(svg, compared.length, compared.length);
  }

  function legend(list, specs) {
    specs.forEach(function (s) {
      var item = document.createElement('li');
      item.style.setProperty('--swatch', s.color);
      item.textContent = s.name + (s.role === 'baseline' ? ' (baseline)' : '');
      list.appendChild(item);
    });
  }

  function main() {
    var data = JSON.parse(document.getElementById('backtest-data').textContent);
    var specs = data.specs.slice();
    (data.suggestions || []).forEach(function (s) { if (s.outcome.curves) { specs.push(s.outcome); } });
    specs.forEach(function (s, i) { s.color = color(i); });
    var draw = { roc: drawRoc, reliability: drawReliability, logloss: drawLogLoss, delta: drawDelta };
    var charts = document.querySelectorAll('svg.chart');
    for (var i = 0; i < charts.length; i++) {
      var svg = charts[i];
      svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + HEIGHT);
      draw[svg.getAttribute('data-chart')](svg, specs, data.bootstrap.confidence);
    }
    var legends = document.querySelectorAll('ul.legend');
    for (var j = 0; j < legends.length; j++) { legend(legends[j], specs); }
    document.body.setAttribute('data-charts-rendered', String(charts.length));
  }

  try {
    main();
  } catch (e) {
    document.body.setAttribute('data-error', String(e && e.message || e));
    var note = document.getElementById('chart-error');
    if (note) { note.textContent = 'The charts could not be drawn: ' + (e && e.message || e); }
  }
})();
