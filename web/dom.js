/* dom.js -- the two helpers every page script of handsup uses: an element
 * by id, and a new element with a class and text.  Text always goes in as
 * textContent, never as markup: it may come from anyone in the room.
 * Loaded by the attendee page and the presenter view (as /dom.js). */
(function () {
  'use strict';

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  window.HandsupDom = { $: $, el: el };
})();
