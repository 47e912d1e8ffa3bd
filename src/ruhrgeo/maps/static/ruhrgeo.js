/* ruhrgeo map pages: draw the layers from their JSON. Every string from the data reaches the
   document as text (textContent), never as markup. */
var ruhrgeo = (function () {
  "use strict";
  var NODATA = "url(#ruhrgeo-nodata)";
  var shapes = {};

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = text;
    return el;
  }

  function hatching() {  // the fill of municipalities without data, defined once per page
    if (document.getElementById("ruhrgeo-nodata")) return;
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    var pattern = document.createElementNS(ns, "pattern");
    pattern.setAttribute("id", "ruhrgeo-nodata");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "6");
    pattern.setAttribute("height", "6");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var back = document.createElementNS(ns, "rect");
    back.setAttribute("width", "6");
    back.setAttribute("height", "6");
    back.setAttribute("fill", "#ffffff");
    var line = document.createElementNS(ns, "rect");
    line.setAttribute("width", "2");
    line.setAttribute("height", "6");
    line.setAttribute("fill", "#7a7a7a");
    pattern.appendChild(back);
    pattern.appendChild(line);
    var defs = document.createElementNS(ns, "defs");
    defs.appendChild(pattern);
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  function swatch(color) {
    var box = node("i", color === null ? "ruhrgeo-swatch ruhrgeo-nodata" : "ruhrgeo-swatch");
    if (color !== null) box.style.background = color;
    return box;
  }

  function legend(map, group, spec) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var div = node("div", "ruhrgeo-legend");
      div.appendChild(node("div", "ruhrgeo-legend-title ruhrgeo-clamp ruhrgeo-text",
        spec.title));
      spec.entries.forEach(function (entry) {
        var row = node("div", "ruhrgeo-legend-row");
        row.appendChild(swatch(entry[0]));
        row.appendChild(node("span", "ruhrgeo-text ruhrgeo-clamp", entry[1]));
        div.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    group.on("add", function () { control.addTo(map); });
    group.on("remove", function () { control.remove(); });
  }

  function table(labels, texts) {
    var el = node("table", "ruhrgeo-table");
    labels.forEach(function (label, i) {
      var row = node("tr"), th = node("th"), td = node("td");
      th.appendChild(node("div", "ruhrgeo-text ruhrgeo-clamp", label));
      td.appendChild(node("div", "ruhrgeo-text ruhrgeo-clamp", texts[i]));
      row.appendChild(th);
      row.appendChild(td);
      el.appendChild(row);
    });
    return el;
  }

  /* Packed polygons: [ags, [[ring deltas]...]...] with integer coordinates (see layers.py). */
  function unpack(key, d) {
    shapes[key] = d.f.map(function (r) {
      return {type: "Feature", id: r[0], properties: {},
        geometry: {type: "MultiPolygon", coordinates: r[1].map(function (polygon) {
          return polygon.map(function (ring) {
            var x = 0, y = 0, out = [];
            for (var i = 0; i < ring.length; i += 2) {
              x += ring[i]; y += ring[i + 1]; out.push([x / d.s, y / d.s]);
            }
            return out; }); }) } };
    });
  }

  function group(d) {
    return L.featureGroup([], d.attribution ? {attribution: d.attribution} : {});
  }

  function polygons(map, d) {
    hatching();
    var layer = group(d);
    var features = shapes[d.shapes].map(function (f, i) {
      return {type: "Feature", id: f.id, geometry: f.geometry,
        properties: {c: d.classes[i], t: d.texts[i]}};
    });
    var geo = L.geoJson({type: "FeatureCollection", features: features}, {
      style: function (f) {
        var c = f.properties.c;
        return {fillColor: c < 0 ? NODATA : d.palette[c], fillOpacity: c < 0 ? 1 : d.opacity,
          color: d.outline, weight: 0.6};
      },
      onEachFeature: function (f, path) {
        path.bindTooltip(function () { return table(d.labels, f.properties.t); },
          {sticky: true, className: "ruhrgeo-tooltip"});
        path.on({
          mouseover: function (e) { e.target.setStyle({weight: 2, color: "#333333"}); },
          mouseout: function (e) { geo.resetStyle(e.target); }
        });
      }
    }).addTo(layer);
    if (d.legend) legend(map, layer, d.legend);
    return layer;
  }

  function points(map, d) {
    var layer = group(d);
    d.points.forEach(function (p) {
      if (d.radius > 0) {
        L.circle([p[0], p[1]], {radius: d.radius, color: "#555555", weight: 1, fill: false,
          dashArray: "4 4", interactive: false}).addTo(layer);
      }
      L.circleMarker([p[0], p[1]], {radius: p[2], color: "#222222", weight: 1, fill: true,
        fillColor: "#ffffff", fillOpacity: 0.9})
        .bindTooltip(function () { return node("span", "ruhrgeo-text", p[3]); },
          {className: "ruhrgeo-tooltip"})
        .addTo(layer);
    });
    return layer;
  }

  function labels(map, d) {
    var layer = group(d);
    var tips = d.points.map(function (p) {  // the most important place first
      return L.tooltip({permanent: true, direction: "center", className: "ruhrgeo-label",
        interactive: false})
        .setLatLng([p[0], p[1]])
        .setContent(node("span", "ruhrgeo-text", p[2]))
        .addTo(layer);
    });
    function declutter() {  // a name that would cover one before it is hidden
      var kept = [];
      tips.forEach(function (tip) {
        var el = tip.getElement();
        if (!el) { return; }
        el.style.visibility = "";
        var r = el.getBoundingClientRect();
        var hit = kept.some(function (q) {
          return r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom;
        });
        if (hit) { el.style.visibility = "hidden"; } else { kept.push(r); }
      });
    }
    layer.on("add", function () { setTimeout(declutter, 0); });
    map.on("zoomend", declutter);
    return layer;
  }

  function decorate(map, d) {
    L.control.scale({imperial: false}).addTo(map);
    if (d.title) {  // top left, above the zoom buttons, clear of the layer switcher
      var control = L.control({position: "topleft"});
      control.onAdd = function () {
        return node("div", "ruhrgeo-title ruhrgeo-clamp ruhrgeo-text", d.title);
      };
      control.addTo(map);
      var box = control.getContainer();
      box.parentNode.insertBefore(box, box.parentNode.firstChild);
    }
  }

  return {unpack: unpack, polygons: polygons, points: points, labels: labels,
    decorate: decorate};
})();
