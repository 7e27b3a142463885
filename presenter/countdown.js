/* countdown.js -- the projector's discussion timer: the time left, in the
 * deck's language's digits, ticking four times a second so it never shows
 * a second late; "Time's up" at zero.  The server owns the timer (endsAt in
 * its clock, or the seconds left while paused); this only draws it. */
(function () {
  'use strict';

  var W = window.HandsupProjectorWords;
  var tick = null;

  /* el: the countdown element; read(): {discuss, offset (server clock minus
   * ours, ms)} as they are now. */
  function update(el, read) {
    var now = read();
    var d = now.discuss;
    if (!d || !d.seconds) {
      el.hidden = true;
      return;
    }
    var ms = d.running && typeof d.endsAt === 'number'
      ? d.endsAt - (Date.now() + now.offset) : (Number(d.remaining) || 0) * 1000;
    if (ms < 0) ms = 0;
    el.hidden = false;
    var cat = W.catalogue();
    el.textContent = ms > 0 ? (cat ? cat.formatDuration(ms) : '') : W.t('timer.up');
    el.classList.toggle('is-done', ms <= 0);
    el.classList.toggle('is-paused', !d.running && ms > 0);
  }

  window.HandsupCountdown = {
    start: function (el, read) {
      update(el, read);
      clearInterval(tick);
      tick = setInterval(function () { update(el, read); }, 250);
    },
    stop: function () {
      clearInterval(tick);
      tick = null;
    }
  };
})();
