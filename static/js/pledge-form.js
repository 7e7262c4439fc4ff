/* Partner2Connect: enhancements of the pledge and join forms. Everything works without this file;
   it only makes the long form quicker: pillar groups follow the focus area, a filter box and
   shortcut toggles for the countries, extra target rows, a live USD estimate and member suggestions. */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Move focus to the error summary so screen-reader and keyboard users start there.
  var summary = $("#error-summary") || $("#preview");
  if (summary) { summary.focus(); }

  // A second click on submit while the first request travels does nothing (the server also
  // refuses to create a second record).
  $all("form.pledge-form, form.join-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        $all("button[type=submit]", form).forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  var form = $("#pledge-form");
  if (!form) { return; }

  /* Pillars follow the focus area. */
  var areaInputs = $all("input[name=focus_area]", form);
  function syncPillars() {
    var chosen = areaInputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; })[0];
    $all(".pillar-group", form).forEach(function (group) {
      var show = !chosen || group.getAttribute("data-area") === chosen;
      group.hidden = !show;
      if (!show) { $all("input", group).forEach(function (i) { i.checked = false; }); }
    });
  }
  areaInputs.forEach(function (i) { i.addEventListener("change", syncPillars); });
  syncPillars();

  /* Countries: filter box, shortcut toggles, count, clear. */
  var list = $("#country-list");
  var tools = $(".country-tools", form);
  if (list && tools) {
    tools.hidden = false;
    var boxes = $all("input[name=countries]", list);
    var shortcuts = $all("input[name=shortcuts]", form);
    var count = $("#country-count");
    var filter = $("#country-filter");

    var matches = function (shortcut, box) {
      if (shortcut.indexOf("region:") === 0) { return box.getAttribute("data-region") === shortcut.slice(7); }
      return box.hasAttribute("data-" + shortcut);
    };
    var update = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (count) { count.textContent = count.getAttribute("data-template").replace("__N__", String(n)); }
      var global = shortcuts.filter(function (s) { return s.value === "global" && s.checked; }).length > 0;
      list.classList.toggle("is-global", global);
    };
    shortcuts.forEach(function (s) {
      s.addEventListener("change", function () {
        if (s.value === "global") { update(); return; }
        boxes.forEach(function (b) { if (matches(s.value, b)) { b.checked = s.checked; } });
        update();
      });
    });
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        // Unticking one country of a group means the group is no longer complete.
        if (!b.checked) {
          shortcuts.forEach(function (s) { if (s.value !== "global" && s.checked && matches(s.value, b)) { s.checked = false; } });
        }
        update();
      });
    });
    if (filter) {
      filter.addEventListener("input", function () {
        // Matched like the server folds names (p2c.core.collation.fold): no accents, no case, so
        // "sene" finds Sénégal; data-name holds the name in the page's language and in English.
        var q = filter.value.trim().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
        $all("label", list).forEach(function (label) {
          label.hidden = q !== "" && (label.getAttribute("data-name") || "").indexOf(q) === -1;
        });
      });
    }
    var clear = $("#country-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        boxes.forEach(function (b) { b.checked = false; });
        shortcuts.forEach(function (s) { s.checked = false; });
        update();
      });
    }
    update();
  }

  /* Regional initiatives follow the target countries: the groups of their ITU regions move first and
     open (the server does the same when it shows the form again). Groups are never closed here. */
  var initiatives = $("fieldset.initiatives", form);
  if (initiatives) {
    var syncInitiatives = function () {
      var regions = {};
      $all("input[name=countries]:checked", form).forEach(function (b) { regions[b.getAttribute("data-region")] = true; });
      $all("input[name=shortcuts]:checked", form).forEach(function (s) {
        if (s.value.indexOf("region:") === 0) { regions[s.value.slice(7)] = true; }
      });
      var groups = $all(".initiative-group", initiatives);
      var first = groups.filter(function (g) { return regions[g.getAttribute("data-region")]; });
      var rest = groups.filter(function (g) { return !regions[g.getAttribute("data-region")]; });
      first.concat(rest).forEach(function (g) { initiatives.appendChild(g); });
      first.forEach(function (g) { g.open = true; });
    };
    form.addEventListener("change", function (e) {
      var name = e.target && e.target.name;
      if (name === "countries" || name === "shortcuts") { syncInitiatives(); }
    });
  }

  /* Targets: add rows up to the maximum. */
  var targets = $("#targets");
  var addTarget = $("#add-target");
  if (targets && addTarget) {
    var max = parseInt(targets.getAttribute("data-max"), 10) || 10;
    var rows = function () { return $all(".target-row", targets); };
    var isEmpty = function (row) {
      return $all("input, select", row).every(function (el) { return !el.value; }) && !$(".error", row);
    };
    var hiddenRows = function () { return rows().filter(function (r) { return r.hidden; }); };
    var refresh = function () { addTarget.hidden = rows().length >= max && hiddenRows().length === 0; };
    // Empty spare rows (there for browsers without JavaScript) wait behind the button.
    rows().forEach(function (row, i) { if (i > 0 && isEmpty(row)) { row.hidden = true; } });
    addTarget.addEventListener("click", function () {
      var waiting = hiddenRows();
      if (waiting.length) {
        waiting[0].hidden = false;
        var field = $("select, input", waiting[0]);
        if (field) { field.focus(); }
        refresh();
        return;
      }
      var all = rows();
      if (all.length >= max) { return; }
      var last = all[all.length - 1];
      var index = all.length;
      var clone = last.cloneNode(true);
      clone.setAttribute("data-index", String(index));
      $all("[name], [id], [for], [aria-describedby]", clone).forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.replace(/targets-\d+-/g, "targets-" + index + "-")); }
        });
        if (el.tagName === "INPUT") { el.value = ""; }
        if (el.tagName === "SELECT") { el.selectedIndex = 0; }
        el.removeAttribute("aria-invalid");
      });
      $all(".error", clone).forEach(function (e) { e.parentNode.removeChild(e); });
      $all(".has-error", clone).forEach(function (e) { e.classList.remove("has-error"); });
      var legend = $("legend", clone);
      var firstLegend = $("legend", all[0]);
      if (legend && firstLegend) { legend.textContent = firstLegend.textContent.replace(/\d+/, String(index + 1)); }
      last.parentNode.insertBefore(clone, addTarget);
      var first = $("select, input", clone);
      if (first) { first.focus(); }
      refresh();
    });
    refresh();
  }

  /* Live USD estimate with the rates embedded in the page (the server shows the same on check). */
  var rates = {};
  try { rates = JSON.parse(form.getAttribute("data-rates") || "{}"); } catch (e) { rates = {}; }
  var amount = $("#amount");
  var currency = $("#currency");
  var estimate = $("#usd-estimate");
  // The reader's number format (CLDR symbols from Babel) and each currency's ISO 4217 decimals, from the page.
  var numberFormat = {};
  try { numberFormat = JSON.parse(form.getAttribute("data-number-format") || "{}"); } catch (e) { numberFormat = {}; }
  function parseAmount(text, code) {
    if (!window.P2CNumbers) { return null; }
    var places = (numberFormat.places || {})[code];
    var read = window.P2CNumbers.readDecimal(text, numberFormat, { places: places === undefined ? 2 : places,
                                                                 upperDigits: 13 });
    return read.error ? null : parseFloat(read.value);
  }
  function showEstimate() {
    if (!amount || !currency || !estimate) { return; }
    var n = parseAmount(amount.value, currency.value);
    var rate = parseFloat(rates[currency.value]);
    if (n === null || !isFinite(rate)) { estimate.textContent = ""; return; }
    var usd;
    try {
      usd = new Intl.NumberFormat(document.documentElement.lang || "en",
        { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(n * rate);
    } catch (e) { usd = "USD " + Math.round(n * rate); }
    estimate.textContent = estimate.getAttribute("data-template")
      .replace("__USD__", usd).replace("__YEAR__", estimate.getAttribute("data-year"));
  }
  if (amount && currency) {
    amount.addEventListener("input", showEstimate);
    currency.addEventListener("change", showEstimate);
  }

  /* Member suggestions for the lead organization (a native datalist, filled from the server). */
  var lead = $("#lead_name");
  var datalist = $("#member-suggestions");
  var match = $("#lead-match");
  if (lead && datalist && lead.getAttribute("data-search-url") && window.fetch) {
    var timer = null;
    var last = "";
    var found = [];
    var showMatch = function () {
      var value = lead.value.trim().toLowerCase();
      var hit = found.filter(function (o) { return o.name.toLowerCase() === value; })[0];
      if (!match) { return; }
      match.hidden = !hit;
      match.textContent = hit ? match.getAttribute("data-template").replace("__NAME__", hit.name) : "";
      var group = $("#lead_stakeholder_group");
      if (hit && group && !group.value) { group.value = hit.stakeholder_group; }
      var country = $("#lead_country");
      if (hit && country && !country.value && hit.country) { country.value = hit.country; }
    };
    lead.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = lead.value.trim();
        if (q.length < 2 || q === last) { showMatch(); return; }
        last = q;
        fetch(lead.getAttribute("data-search-url") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            found = data.results || [];
            datalist.innerHTML = "";
            found.forEach(function (o) {
              var option = document.createElement("option");
              option.value = o.name;
              if (o.acronym) { option.label = o.acronym; }
              datalist.appendChild(option);
            });
            showMatch();
          })
          .catch(function () { /* suggestions are a convenience; typing still works */ });
      }, 250);
    });
  }
}());
