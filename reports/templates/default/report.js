// semslice report bootstrap: draw every chart listed in #ss-charts with vega-embed (inlined above), replacing the
// static SVG fallback once the interactive view exists. Sets data-charts-done on <body> when all have settled.
(function () {
  'use strict';
  // Look the elements up by more than their id: notebook HTML cannot contain scripts, so this cannot be clobbered.
  var holder = document.querySelector('script[type="application/json"]#ss-charts');
  if (!holder || typeof vegaEmbed !== 'function') return;
  var charts = JSON.parse(holder.textContent || '[]');
  var done = charts.map(function (c) {
    var target = document.querySelector('figure.ss-chart > div.ss-vega#' + c.id);
    if (!target) return Promise.resolve();
    return vegaEmbed(target, c.spec, { actions: false, renderer: 'svg', mode: c.mode }).then(function () {
      var fallback = target.parentNode && target.parentNode.querySelector('.ss-chart-fallback');
      if (fallback) fallback.parentNode.removeChild(fallback);
      target.setAttribute('data-rendered', 'true');
    }, function (err) {
      // Keep the static fallback visible and say why the interactive chart is missing.
      target.setAttribute('data-error', String((err && err.message) || err));
      console.error('semslice report: chart ' + c.id + ' failed: ' + ((err && err.message) || err));
    });
  });
  Promise.all(done).then(function () { document.body.setAttribute('data-charts-done', String(charts.length)); });
})();
