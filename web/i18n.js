/* i18n.js -- the words of a page in the room's language.
 *
 * Shared by the attendee page (/) and the presenter views (/present/): both
 * load it as /i18n.js.  A page's words live in catalogues, one JSON file per
 * language (web/i18n/<lang>.json for the attendee page, presenter/i18n/ for
 * the presenter views), never in code.  A catalogue maps a key to a string
 * with {name} placeholders, or to an object of plural forms chosen with
 * Intl.PluralRules ({"one": "{count} vote", "other": "{count} votes"}).
 * Numbers in placeholders are written with Intl.NumberFormat, so "1,234"
 * reads "1.234" in German and "١٬٢٣٤" in Arabic.  Keys a catalogue lacks
 * fall back to English (the catalogue test makes sure none do).
 *
 * Which language: pick() takes the first supported one of ?lang=, the choice
 * remembered from the page's menu, the deck's front matter "lang:", and the
 * browser's languages, else English. */
(function () {
  'use strict';

  /* Supported languages with their own names, as the menu shows them. */
  var LANGS = {
    en: 'English', cy: 'Cymraeg', de: 'Deutsch', fr: 'Français', es: 'Español',
    nl: 'Nederlands', pl: 'Polski', pt: 'Português', it: 'Italiano', ar: 'العربية'
  };
  var RTL = { ar: true };
  /* The tag handed to Intl: Arabic is asked for its own digits by name,
   * because some engines' "ar" writes 0-9 and a room reading Arabic expects
   * ٠-٩. */
  var INTL = { ar: 'ar-u-nu-arab' };
  var REMEMBER_KEY = 'handsup.lang';

  /* "pt-BR" -> "pt", "CY" -> "cy"; null when no catalogue serves it. */
  function supported(tag) {
    if (typeof tag !== 'string' || !tag) return null;
    var primary = tag.toLowerCase().split(/[-_]/)[0];
    return Object.prototype.hasOwnProperty.call(LANGS, primary) ? primary : null;
  }

  function remembered() {
    try { return localStorage.getItem(REMEMBER_KEY); } catch (e) { return null; }
  }

  function remember(lang) {
    try { localStorage.setItem(REMEMBER_KEY, lang); } catch (e) { /* private mode: this page only */ }
  }

  function queryLang() {
    try { return new URLSearchParams(location.search).get('lang'); } catch (e) { return null; }
  }

  /* opts: {query: bool (read ?lang=), remembered: bool (read the menu's
   * choice), deck: tag or null}.  Returns {lang, source}. */
  function pick(opts) {
    opts = opts || {};
    var tries = [];
    if (opts.query !== false) tries.push([queryLang(), 'query']);
    if (opts.remembered !== false) tries.push([remembered(), 'menu']);
    tries.push([opts.deck, 'deck']);
    var nav = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < nav.length; i++) tries.push([nav[i], 'browser']);
    for (var k = 0; k < tries.length; k++) {
      var lang = supported(tries[k][0]);
      if (lang) return { lang: lang, source: tries[k][1] };
    }
    return { lang: 'en', source: 'default' };
  }

  /* One catalogue, with English under it for any key it lacks. */
  function Catalogue(lang, words, english) {
    this.lang = lang;
    this.dir = RTL[lang] ? 'rtl' : 'ltr';
    this.words = words || {};
    this.english = english || {};
    this.locale = INTL[lang] || lang;
    this.plural = new Intl.PluralRules(lang);
    this.number = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 2 });
  }

  Catalogue.prototype.has = function (key) {
    return Object.prototype.hasOwnProperty.call(this.words, key) ||
      Object.prototype.hasOwnProperty.call(this.english, key);
  };

  /* The text of key with params filled in.  params.count (a number) picks
   * the plural form; every number is written in the language's digits. */
  Catalogue.prototype.t = function (key, params) {
    var own = Object.prototype.hasOwnProperty.call(this.words, key);
    var entry = own ? this.words[key] : this.english[key];
    var rules = own ? this.plural : new Intl.PluralRules('en');
    if (entry === undefined) return key;
    if (entry && typeof entry === 'object') {
      var n = params && typeof params.count === 'number' ? params.count : 0;
      var form = rules.select(n);
      entry = entry[form] !== undefined ? entry[form] : entry.other;
    }
    var self = this;
    return String(entry).replace(/\{(\w+)\}/g, function (m, name) {
      if (!params || !Object.prototype.hasOwnProperty.call(params, name)) return m;
      var v = params[name];
      return typeof v === 'number' ? self.number.format(v) : String(v);
    });
  };

  Catalogue.prototype.formatNumber = function (n) { return this.number.format(n); };

  /* "A, B and C" as the language joins a list ("A, B et C", "A و B و C"). */
  Catalogue.prototype.formatList = function (items) {
    items = items.map(String);
    if (typeof Intl.ListFormat !== 'function') return items.join(', ');
    return new Intl.ListFormat(this.locale, { style: 'long', type: 'conjunction' }).format(items);
  };

  /* A wall-clock time ("14:05", "2:05 PM") as the language writes it. */
  Catalogue.prototype.formatTime = function (ms) {
    return new Intl.DateTimeFormat(this.locale, { hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
  };

  /* A countdown or elapsed time: "4:05", "1:02:03", in the language's digits. */
  Catalogue.prototype.formatDuration = function (ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    s %= 60;
    var two = new Intl.NumberFormat(this.locale, { minimumIntegerDigits: 2, useGrouping: false });
    var one = new Intl.NumberFormat(this.locale, { useGrouping: false });
    return h > 0 ? one.format(h) + ':' + two.format(m) + ':' + two.format(s) : two.format(m) + ':' + two.format(s);
  };

  /* Writes the words into the page: data-i18n="key" sets the text,
   * data-i18n-attr="aria-label:key; placeholder:key2" sets attributes.  The
   * root element gets lang and dir. */
  Catalogue.prototype.apply = function (root) {
    var self = this;
    root = root || document;
    Array.prototype.forEach.call(root.querySelectorAll('[data-i18n]'), function (el) {
      el.textContent = self.t(el.getAttribute('data-i18n'));
    });
    Array.prototype.forEach.call(root.querySelectorAll('[data-i18n-attr]'), function (el) {
      el.getAttribute('data-i18n-attr').split(';').forEach(function (pair) {
        var p = pair.split(':');
        if (p.length === 2) el.setAttribute(p[0].trim(), self.t(p[1].trim()));
      });
    });
    if (root === document) {
      document.documentElement.lang = this.lang;
      document.documentElement.dir = this.dir;
    }
  };

  var cache = {};

  function fetchJson(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { cache: 'no-cache', credentials: 'omit' }).then(function (res) {
        if (!res.ok) throw new Error(url + ': HTTP ' + res.status);
        return res.json();
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }

  /* Loads base + lang + '.json' (with English under it).  Resolves to a
   * Catalogue; a catalogue that cannot be fetched gives English, and English
   * that cannot be fetched gives a catalogue whose t() returns the keys. */
  function load(base, lang) {
    lang = supported(lang) || 'en';
    var en = fetchJson(base + 'en.json').catch(function () { return {}; });
    if (lang === 'en') return en.then(function (w) { return new Catalogue('en', w, w); });
    return Promise.all([fetchJson(base + lang + '.json'), en]).then(function (both) {
      return new Catalogue(lang, both[0], both[1]);
    }, function () {
      return en.then(function (w) { return new Catalogue('en', w, w); });
    });
  }

  /* Fills a <select> with the supported languages, each in its own name and
   * marked with its lang, the current one selected; on change, remembers
   * the choice and calls onPick(lang). */
  function menu(select, current, onPick) {
    select.textContent = '';
    Object.keys(LANGS).forEach(function (code) {
      var o = document.createElement('option');
      o.value = code;
      o.lang = code;
      o.textContent = LANGS[code];
      if (code === current) o.selected = true;
      select.appendChild(o);
    });
    select.onchange = function () {
      remember(select.value);
      onPick(select.value);
    };
  }

  /* Arabic-Indic (٠-٩) and Persian (۰-۹) digits as 0-9: a phone set to
   * Arabic types a session code in its own digits. */
  function latinDigits(s) {
    return String(s).replace(/[\u0660-\u0669\u06f0-\u06f9]/g, function (d) {
      var c = d.charCodeAt(0);
      return String(c - (c >= 0x06f0 ? 0x06f0 : 0x0660));
    });
  }

  window.HandsupI18n = {
    latinDigits: latinDigits,
    LANGS: LANGS,
    supported: supported,
    pick: pick,
    load: load,
    menu: menu,
    remember: remember,
    Catalogue: Catalogue
  };
})();
