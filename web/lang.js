/* lang.js -- the attendee page's language: which one, its words, the menu.
 *
 * The first of: ?lang= in the address, the language picked from the page's
 * menu (remembered in this browser), the deck's front matter "lang:" (sent
 * in the welcome, and remembered per session so a reload starts in it), the
 * phone's languages; else English (web/i18n.js does the matching).  The
 * page's words are all in web/i18n/<lang>.json: app.js asks for them with
 * HandsupLang.t(key, params) and re-draws when the language changes. */
(function () {
  'use strict';

  var I18n = window.HandsupI18n;
  var DECK_PREFIX = 'handsup.decklang.';
  var BASE = '/i18n/';

  var state = {
    cat: null,
    source: null,    /* 'query', 'menu', 'deck', 'browser' or 'default' */
    deck: null,      /* the deck's lang, when known */
    want: null,      /* the language last asked for, loading or loaded */
    listeners: []
  };

  function deckLangFor(code) {
    try { return code ? localStorage.getItem(DECK_PREFIX + code) : null; } catch (e) { return null; }
  }

  /* A ?lang= in the address outranks the menu, so a choice from the menu
   * rewrites it: else the next reload would undo the choice. */
  function keepInAddress(lang) {
    try {
      var q = new URLSearchParams(location.search);
      if (!q.has('lang')) return;
      q.set('lang', lang);
      history.replaceState(history.state, '', location.pathname + '?' + q.toString() + location.hash);
    } catch (e) { /* file:// or sandboxed: the menu's choice still holds for this page */ }
  }

  function use(lang, source) {
    state.want = lang;
    return I18n.load(BASE, lang).then(function (cat) {
      /* Two quick picks from the menu: the later one wins, whichever
       * catalogue arrives last. */
      if (state.want !== lang) return state.cat;
      state.cat = cat;
      state.source = source;
      cat.apply(document);
      var menu = document.getElementById('lang-select');
      if (menu) {
        I18n.menu(menu, cat.lang, function (picked) {
          keepInAddress(picked);
          use(picked, 'menu');
        });
      }
      state.listeners.forEach(function (fn) { fn(cat); });
      return cat;
    });
  }

  window.HandsupLang = {
    /* Loads the first catalogue; code is the session the page is for, if any. */
    start: function (code) {
      state.deck = deckLangFor(code);
      var p = I18n.pick({ deck: state.deck });
      return use(p.lang, p.source);
    },

    /* The welcome told the deck's language: switch to it unless the person
     * chose one (?lang= or the menu). */
    deckLang: function (code, tag) {
      try {
        if (code && tag) localStorage.setItem(DECK_PREFIX + code, tag);
        else if (code) localStorage.removeItem(DECK_PREFIX + code);
      } catch (e) { /* this page only */ }
      state.deck = tag || null;
      if (state.source === 'query' || state.source === 'menu') return Promise.resolve(state.cat);
      var p = I18n.pick({ deck: state.deck });
      if (state.cat && p.lang === state.cat.lang) { state.source = p.source; return Promise.resolve(state.cat); }
      return use(p.lang, p.source);
    },

    /* fn(catalogue) whenever a catalogue is put in place, the first one too. */
    onChange: function (fn) { state.listeners.push(fn); },

    t: function (key, params) { return state.cat ? state.cat.t(key, params) : key; },
    catalogue: function () { return state.cat; },
    source: function () { return state.source; }
  };
})();
