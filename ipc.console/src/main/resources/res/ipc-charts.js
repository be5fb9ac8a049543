/*
 * The IPC page's live charts: polls history.json (the element #ipc-live names it) as often as
 * the console samples, and draws, for the busiest objects of the last minutes, messages/s and
 * bytes/s in and out, depth and high-water mark, and wait-time percentiles, with uPlot (served
 * from this bundle). Names come from other processes: they are only ever set as text.
 */
(function () {
    'use strict';
    var live = document.getElementById('ipc-live');
    if (!live || !window.uPlot) {
        return;
    }
    var url = live.getAttribute('data-history');
    var MAX_OBJECTS = 8;
    var WIDTH = 250;
    var HEIGHT = 120;
    var COLORS = ['#1f77b4', '#ff7f0e', '#d62728'];
    var rows = {};

    function micros(nanos) {
        return nanos.map(function (v) { return v / 1000; });
    }

    function charts(o) {
        return [
            { title: 'messages/s', names: ['in', 'out'], data: [o.messagesIn, o.messagesOut] },
            { title: 'bytes/s', names: ['in', 'out'], data: [o.bytesIn, o.bytesOut] },
            { title: 'depth', names: ['depth', 'high-water mark'], data: [o.depth, o.highWaterMark] },
            { title: 'wait (\u00b5s)', names: ['p50', 'p99', 'p99.9'], data: [micros(o.p50), micros(o.p99), micros(o.p999)] }
        ];
    }

    function activity(o) {
        var sum = 0;
        for (var i = 0; i < o.messagesIn.length; i++) {
            sum += o.messagesIn[i] + o.messagesOut[i] + (o.bytesIn[i] + o.bytesOut[i]) / 1e6;
        }
        return sum;
    }

    function plot(parent, chart, time) {
        var series = [{}];
        chart.names.forEach(function (name, i) {
            series.push({ label: name, stroke: COLORS[i], width: 1.5 });
        });
        return new uPlot({ title: chart.title, width: WIDTH, height: HEIGHT, series: series,
            scales: { x: { time: true } }, legend: { live: false } }, [time].concat(chart.data), parent);
    }

    function row(o) {
        var key = o.type + '/' + o.name;
        var r = rows[key];
        if (!r) {
            var div = document.createElement('div');
            div.className = 'ipc-live-object';
            div.setAttribute('data-type', o.type);
            div.setAttribute('data-name', o.name);
            var title = document.createElement('h3');
            title.textContent = o.type + ' ' + o.name;
            div.appendChild(title);
            var plots = charts(o).map(function (c) {
                var cell = document.createElement('div');
                cell.className = 'ipc-chart';
                div.appendChild(cell);
                return plot(cell, c, o.time);
            });
            r = rows[key] = { div: div, plots: plots };
        } else {
            charts(o).forEach(function (c, i) {
                r.plots[i].setData([o.time].concat(c.data));
            });
        }
        var n = o.time.length;
        r.div.setAttribute('data-points', String(n));
        r.div.setAttribute('data-messages-in', String(n ? o.messagesIn[n - 1] : 0));
        return r;
    }

    function update(history) {
        var busiest = history.objects.filter(function (o) { return o.time.length > 0; })
            .sort(function (a, b) { return activity(b) - activity(a); }).slice(0, MAX_OBJECTS);
        var shown = {};
        busiest.forEach(function (o) {
            var r = row(o);
            shown[o.type + '/' + o.name] = true;
            live.appendChild(r.div); // in order of activity
        });
        Object.keys(rows).forEach(function (key) {
            if (!shown[key]) {
                rows[key].plots.forEach(function (p) { p.destroy(); });
                live.removeChild(rows[key].div);
                delete rows[key];
            }
        });
        live.setAttribute('data-updated', String(Date.now()));
        var empty = document.getElementById('ipc-live-empty');
        if (empty) {
            empty.style.display = busiest.length ? 'none' : '';
        }
        return history.intervalMillis;
    }

    function poll() {
        fetch(url, { credentials: 'same-origin', cache: 'no-store' })
            .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
            .then(update)
            .then(function (interval) { setTimeout(poll, interval || 2000); },
                function () { setTimeout(poll, 5000); });
    }
    poll();
}());
