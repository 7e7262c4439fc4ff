/* Partner2Connect: the page's copy of the one number reader (p2c/core/numbers.py, whose docstring states
   the rule). The page passes the locale's CLDR symbols from Babel, so the live estimate reads a typed
   amount exactly as the server will; tests/core/test_numbers.py runs this file under node with the same
   table as the Python reader. readDecimal returns {value: "1234.5"} (plain digits, "." decimal) or
   {error: kind} with the kinds of NumberError: empty, invalid, negative, ambiguous, too_large, precision. */
(function (root) {
  "use strict";

  var SPACES = /[\s\u00a0\u202f\u2009'\u2019]/g;
  var GROUPED = { ".": /^[0-9]{1,3}(?:\.[0-9]{3})+$/, ",": /^[0-9]{1,3}(?:,[0-9]{3})+$/ };

  function ascii(text) {
    var out = "";
    for (var i = 0; i < text.length; i += 1) {
      var ch = text.charAt(i);
      var code = text.charCodeAt(i);
      if (ch === "\u066b") { out += "."; }
      else if (ch === "\u066c" || ch === "\u060c") { out += ","; }
      else if (code >= 0x0660 && code <= 0x0669) { out += String(code - 0x0660); }
      else if (code >= 0x06f0 && code <= 0x06f9) { out += String(code - 0x06f0); }
      else if (code >= 0x0966 && code <= 0x096f) { out += String(code - 0x0966); }
      else if (code >= 0xff10 && code <= 0xff19) { out += String(code - 0xff10); }
      else { out += ch; }
    }
    return out.replace(SPACES, "");
  }

  function count(text, ch) { return text.split(ch).length - 1; }

  /* The text as plain "1234.5", or {error}. exportFormat: "." is always the decimal mark (the files). */
  function plain(raw, decimal, group, exportFormat) {
    var hasDot = raw.indexOf(".") !== -1;
    var hasComma = raw.indexOf(",") !== -1;
    if (!hasDot && !hasComma) { return raw; }
    if (hasDot && hasComma) {
      var last = raw.lastIndexOf(".") > raw.lastIndexOf(",") ? "." : ",";
      var other = last === "." ? "," : ".";
      var at = raw.lastIndexOf(last);
      var whole = raw.slice(0, at);
      var fraction = raw.slice(at + 1);
      if (fraction.indexOf(other) !== -1 || !GROUPED[other].test(whole)) { return { error: "invalid" }; }
      return whole.split(other).join("") + "." + fraction;
    }
    var mark = hasDot ? "." : ",";
    if (count(raw, mark) > 1) {
      return GROUPED[mark].test(raw) ? raw.split(mark).join("") : { error: "invalid" };
    }
    var parts = raw.split(mark);
    var couldGroup = parts[1].length === 3 && parts[0].length >= 1 && parts[0].length <= 3 && parts[0].charAt(0) !== "0";
    if (!couldGroup) { return (parts[0] || "0") + "." + parts[1]; }
    if (mark === group) { return parts[0] + parts[1]; }
    if (mark === "." && exportFormat) { return parts[0] + "." + parts[1]; }
    return { error: "ambiguous" };
  }

  /* symbols: {decimal: "." or ",", group: "." or "," or ""} (numbers.page_symbols); options: {places,
     upperDigits (the integer part has fewer digits than this: 13 for amounts below 10^13), exportFormat}. */
  function readDecimal(text, symbols, options) {
    options = options || {};
    var places = options.places === undefined ? 2 : options.places;
    var raw = ascii(String(text === null || text === undefined ? "" : text).normalize("NFKC").trim());
    if (raw === "") { return { error: "empty" }; }
    if (raw.charAt(0) === "-" || raw.charAt(0) === "\u2212") { return { error: "negative" }; }
    if (!/^[0-9.,]+$/.test(raw) || !/[0-9]/.test(raw) || raw.length > 40) { return { error: "invalid" }; }
    var result = plain(raw, symbols.decimal || ".", symbols.group || null, !!options.exportFormat);
    if (typeof result !== "string") { return result; }
    var pieces = result.split(".");
    var whole = pieces[0].replace(/^0+(?=[0-9])/, "") || "0";
    var fraction = (pieces[1] || "").replace(/0+$/, "");
    if (options.upperDigits && whole !== "0" && whole.length > options.upperDigits) { return { error: "too_large" }; }
    if (fraction.length > places) { return { error: "precision" }; }
    return { value: fraction ? whole + "." + fraction : whole };
  }

  var api = { readDecimal: readDecimal };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.P2CNumbers = api; }
}(this));
