// The live page of a Streamworks service: reads Spark-shaped progress reports from
// /actuator/progress/recent once, then the newest from /actuator/progress every few seconds, and
// draws the last minutes as charts (uPlot). The topology diagram is drawn by the service.
(function () {
  'use strict';

  const POLL_MS = 2000;
  const KEEP = 360;
  const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777',
    '#4b5563', '#65a30d'];
  const history = [];
  const charts = new Map();

  const seconds = (iso) => iso ? Date.parse(iso) / 1000 : null;
  const delta = (now, before) => (now == null || before == null) ? null : Math.max(0, now - before);
  const clock = (v) => v == null ? '' : new Date(v * 1000).toISOString().substring(11, 19);

  function pairs(history, value) {
    return history.map((p, i) => value(p, i > 0 ? history[i - 1] : null));
  }

  /** A chart in {@code parent} named {@code key}; series: [{label, value(p, prev)}]; recreated when its series change. */
  function chart(parent, key, title, series, yAxis) {
    let entry = charts.get(key);
    const labels = series.map(s => s.label).join('\u0000');
    if (!entry || entry.labels !== labels) {
      let box = entry ? entry.box : null;
      if (!box) {
        box = document.createElement('div');
        box.className = 'chart';
        box.dataset.chart = key;
        parent.appendChild(box);
      }
      box.innerHTML = '';
      if (entry && entry.plot) {
        entry.plot.destroy();
      }
      entry = { box, labels, plot: null };
      charts.set(key, entry);
      if (series.length === 0) {
        box.innerHTML = '<div class="empty">' + title + ': nothing yet</div>';
        box.dataset.points = '0';
        return;
      }
      const opts = {
        title, width: 430, height: 200,
        scales: { x: { time: true } },
        series: [{}].concat(series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5,
          spanGaps: true, value: yAxis === 'time' ? (u, v) => clock(v) : undefined }))),
        axes: [{}, yAxis === 'time' ? { values: (u, vals) => vals.map(clock), size: 70 } : { size: 80 }],
        legend: { live: false },
      };
      entry.plot = new uPlot(opts, [[]].concat(series.map(() => [])), box);
    }
    if (!entry.plot) {
      return;
    }
    const xs = history.map(p => seconds(p.timestamp));
    const data = [xs].concat(series.map(s => pairs(history, s.value)));
    entry.plot.setData(data);
    const points = data.slice(1).reduce((n, ys) => Math.max(n, ys.filter(v => v != null).length), 0);
    entry.box.dataset.points = String(points);
  }

  function union(history, keys) {
    const all = new Set();
    history.forEach(p => keys(p).forEach(k => all.add(k)));
    return Array.from(all).sort();
  }

  function render() {
    const last = history[history.length - 1];
    if (!last) {
      return;
    }
    document.title = last.name + ' · Streamworks';
    document.getElementById('service').textContent = last.name;
    const state = document.getElementById('state');
    state.textContent = last.state;
    state.className = 'badge' + (last.state === 'RUNNING' ? '' : ' bad');
    document.getElementById('batch').textContent = last.batchId;
    document.getElementById('updated').textContent = last.timestamp;
    const warnings = document.getElementById('warnings');
    warnings.innerHTML = '';
    (last.warnings || []).forEach(w => {
      const badge = document.createElement('span');
      badge.className = 'warning';
      badge.textContent = w;
      warnings.appendChild(badge);
    });
    if (!last.warnings || last.warnings.length === 0) {
      warnings.textContent = 'no warnings';
    }

    const main = document.getElementById('service-charts');
    chart(main, 'rates', 'Rows per second', [
      { label: 'input', value: p => p.inputRowsPerSecond },
      { label: 'processed', value: p => p.processedRowsPerSecond }]);
    chart(main, 'lag', 'Consumer lag (records not yet read)', [
      { label: 'lag', value: p => p.consumerLag }]);
    chart(main, 'late-dlq', 'Late and dead-lettered records per interval', [
      { label: 'late', value: p => p.numRowsDroppedByWatermark },
      { label: 'dead-lettered', value: (p, prev) => prev ? delta(p.dlqRows, prev.dlqRows) : null }]);
    const stores = union(history, p => (p.stateOperators || []).map(s => s.operatorName));
    const store = (p, name) => (p.stateOperators || []).find(s => s.operatorName === name);
    chart(main, 'state-rows', 'State rows', stores.map(name => ({ label: name,
      value: p => { const s = store(p, name); return s ? s.numRowsTotal : null; } })));
    chart(main, 'state-memory', 'State memory (MiB)', stores.map(name => ({ label: name,
      value: p => { const s = store(p, name); return s ? s.memoryUsedBytes / 1048576 : null; } })));
    chart(main, 'durations', 'Stream thread durations (ms, mean of one)', ['commit', 'process', 'punctuate'].map(
      phase => ({ label: phase, value: p => p.durationMs ? p.durationMs[phase] : null })));

    const outputs = union(history, p => Object.keys((p.eventTime && p.eventTime.watermarks) || {})
      .concat(Object.keys((p.sink && p.sink.numOutputRows) || {})));
    const parent = document.getElementById('outputs');
    outputs.forEach(output => {
      let section = parent.querySelector('[data-output="' + CSS.escape(output) + '"]');
      if (!section) {
        section = document.createElement('div');
        section.className = 'output';
        section.dataset.output = output;
        section.innerHTML = '<h3></h3><div class="charts"></div>';
        section.querySelector('h3').textContent = output;
        parent.appendChild(section);
      }
      const box = section.querySelector('.charts');
      const watermark = p => p.eventTime && p.eventTime.watermarks ? seconds(p.eventTime.watermarks[output]) : null;
      chart(box, 'event-time:' + output, 'Watermark and largest event time', [
        { label: 'largest event time', value: p => seconds(p.eventTime && p.eventTime.max) },
        { label: 'watermark', value: watermark }], 'time');
      chart(box, 'e2e:' + output, 'End-to-end lag (s): wall clock minus watermark', [
        { label: 'lag', value: p => { const w = watermark(p); return w == null ? null : seconds(p.timestamp) - w; } }]);
      chart(box, 'rows:' + output, 'Records per interval', [
        { label: 'written', value: p => p.sink && p.sink.numOutputRows ? p.sink.numOutputRows[output] : null },
        { label: 'late', value: (p, prev) => prev ? delta((p.lateRowsByOutput || {})[output] || 0,
            (prev.lateRowsByOutput || {})[output] || 0) : null }]);
    });
    document.body.dataset.reports = String(history.length);
  }

  function add(progress) {
    const last = history[history.length - 1];
    if (progress && (!last || last.timestamp !== progress.timestamp)) {
      history.push(progress);
      while (history.length > KEEP) {
        history.shift();
      }
      render();
    }
  }

  async function json(path) {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) {
      throw new Error(path + ': ' + response.status);
    }
    return response.json();
  }

  async function poll() {
    try {
      add(await json('/actuator/progress'));
    } catch (e) {
      document.getElementById('state').textContent = 'unreachable';
      document.getElementById('state').className = 'badge bad';
    }
  }

  async function start() {
    try {
      (await json('/actuator/progress/recent')).forEach(add);
    } catch (e) {
      // the history is an extra: the page goes on with the latest reports
    }
    await poll();
    setInterval(poll, POLL_MS);
    try {
      const response = await fetch('/live/topology.svg');
      document.getElementById('topology').innerHTML = response.ok ? await response.text()
        : 'topology not available yet (' + response.status + ')';
    } catch (e) {
      document.getElementById('topology').textContent = 'topology not available: ' + e;
    }
  }

  start();
})();
