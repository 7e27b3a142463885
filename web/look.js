/* look.js -- how a slide looks, shared by the projector (present.js) and the
 * phones (app.js): the deck's theme, accent and logo, Marp backgrounds and
 * split slides, header, footer and page number, colours and classes, sized
 * images and fragmented lists (docs/protocol.md "Slide look").
 *
 * Everything comes from the server's JSON and is applied through the DOM
 * and CSSOM (element.style), never as HTML attributes, so the pages' CSP
 * (no inline styles) holds.  Image URLs are the server's /media/ ones. */
(function () {
  'use strict';

  var THEMES = { light: 1, dark: 1, contrast: 1 };

  function el(tag, cls) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    return e;
  }

  /* Theme and accent on the whole page; the logo into logoEl (an <img>). */
  function deck(look, logoEl) {
    look = look || {};
    var root = document.documentElement;
    root.dataset.theme = THEMES[look.theme] ? look.theme : 'light';
    if (look.accent && /^#[0-9a-f]{6}$/i.test(look.accent)) root.style.setProperty('--accent', look.accent);
    else root.style.removeProperty('--accent');
    if (logoEl) {
      if (look.logo) {
        if (logoEl.getAttribute('src') !== look.logo) logoEl.src = look.logo;
        logoEl.hidden = false;
      } else {
        logoEl.hidden = true;
        logoEl.removeAttribute('src');
      }
    }
  }

  /* w:/h: keywords in other units than pixels arrive as data-w / data-h. */
  function sizeImages(body) {
    Array.prototype.forEach.call(body.querySelectorAll('img[data-w], img[data-h]'), function (img) {
      if (img.dataset.w) img.style.width = img.dataset.w;
      if (img.dataset.h) img.style.height = img.dataset.h;
    });
  }

  /* The background layer of slideEl: "![bg]" images side by side, on one
   * side for a split slide. */
  function backgrounds(slideEl, s) {
    var layer = slideEl.querySelector(':scope > .hu-bg');
    if (!layer) {
      layer = el('div', 'hu-bg');
      layer.setAttribute('aria-hidden', 'true');
      slideEl.insertBefore(layer, slideEl.firstChild);
    }
    layer.textContent = '';
    var bgs = s.bg || [];
    bgs.forEach(function (b) {
      var img = el('div', 'hu-bg-image');
      img.style.backgroundImage = 'url("' + String(b.url).replace(/["\\\n]/g, '') + '")';
      img.style.backgroundSize = b.size === 'auto' || b.size === 'contain' || b.size === 'cover' || /^\d+%$/.test(b.size)
        ? b.size : 'cover';
      layer.appendChild(img);
    });
    var split = s.split && bgs.length ? s.split : null;
    slideEl.classList.toggle('hu-has-bg', bgs.length > 0 && !split);
    slideEl.classList.toggle('hu-split', !!split);
    slideEl.dataset.split = split ? split.side : '';
    if (split) slideEl.style.setProperty('--hu-split', (Number(split.width) || 50) + '%');
    else slideEl.style.removeProperty('--hu-split');
    layer.hidden = bgs.length === 0;
  }

  function textLine(slideEl, cls, html) {
    var e = slideEl.querySelector(':scope > .' + cls);
    if (!html) {
      if (e) e.remove();
      return;
    }
    if (!e) {
      e = el('div', cls);
      slideEl.appendChild(e);
    }
    e.innerHTML = html; /* rendered by the server in safe mode */
  }

  /* Marp's local directives of slide s (index, count) on slideEl.
   * pageLabel: what a screen reader hears for the page number, in the
   * page's language ("Slide 3 of 12"); the caller's catalogue has the words. */
  function slide(slideEl, body, s, index, count, pageLabel) {
    s = s || {};
    var look = s.look || {};
    backgrounds(slideEl, s);
    textLine(slideEl, 'hu-header', look.header);
    textLine(slideEl, 'hu-footer', look.footer);
    var page = slideEl.querySelector(':scope > .hu-page');
    if (look.paginate && typeof index === 'number') {
      if (!page) {
        page = el('div', 'hu-page');
        slideEl.appendChild(page);
      }
      page.textContent = String(index + 1);
      if (pageLabel) page.setAttribute('aria-label', pageLabel);
      else page.removeAttribute('aria-label');
    } else if (page) {
      page.remove();
    }
    slideEl.style.backgroundColor = look.backgroundColor || '';
    slideEl.style.backgroundImage = look.backgroundImage || '';
    slideEl.style.color = look.color || '';
    slideEl.classList.toggle('hu-colored', !!(look.backgroundColor || look.color || look.backgroundImage));
    var classes = String(look['class'] || '').split(/\s+/).filter(function (c) { return /^[A-Za-z0-9_-]+$/.test(c); });
    slideEl.dataset.marpClass = classes.join(' ');
    if (body) sizeImages(body);
  }

  /* Shows the first `shown` fragmented list items of body, hides the rest. */
  function fragments(body, shown) {
    var marks = body.querySelectorAll('.hu-fragment');
    Array.prototype.forEach.call(marks, function (m, i) {
      var li = m.closest('li') || m.parentElement;
      if (li) li.classList.toggle('hu-fragment-hidden', i >= shown);
    });
  }

  window.HandsupLook = { deck: deck, slide: slide, fragments: fragments, sizeImages: sizeImages };
})();
