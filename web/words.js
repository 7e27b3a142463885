/* words.js -- the words of the attendee page's questions beyond yes/no, in
 * one table.
 *
 * Every sentence the choice, scale, text and Questions parts of the page
 * show is here, keyed, with {name} for what is filled in, so that moving
 * them into language catalogues (web/i18n/) is a change of this file alone.
 * HandsupWords.t(key, values) returns the sentence; a key ending in "_one"
 * is used instead of "_other" when values.n is 1. */
(function () {
  'use strict';

  var WORDS = {
    pick_one: 'Tap your answer.',
    pick_up_to_one: 'Pick up to {n} option.',
    pick_up_to_other: 'Pick up to {n} options.',
    pick_any: 'Pick as many as you like.',
    pick_limit: 'You can pick up to {n}. Tap a chosen option to remove it first.',
    picks_sending: 'Sending your choices\u2026',
    picks_none_open: 'Nothing picked yet.',
    picks_none_closed: 'You did not pick anything.',
    picks_yours_open: 'Your choices: {list} \u2014 you can change them until voting closes',
    picks_yours: 'Your choices: {list}',
    picks_cleared: 'Your choices were cleared.',
    choices_recorded: 'Choices recorded: {list}',
    scale_group: 'Your rating from {min} to {max}',
    scale_value: '{value} out of {max}',
    scale_value_label: '{value} out of {max}, {label}',
    scale_yours_open: 'Your rating: {value} \u2014 you can change it until voting closes',
    scale_yours: 'Your rating: {value}',
    scale_recorded: 'Rating recorded: {value}',
    mean_median: 'Average {mean} \u00b7 middle value {median}',
    answer_label: 'Your answer',
    answer_send: 'Send',
    answer_count: '{used} of {max} characters',
    answer_sending: 'Sending your answer\u2026',
    answer_recorded: 'Answer received.',
    answer_recorded_pending: 'Answer received. It will be shown once the facilitator approves it.',
    answers_left_one: 'You can send {n} more answer.',
    answers_left_other: 'You can send {n} more answers.',
    answers_none_left: 'You have sent as many answers as this question takes. Withdraw one to write another.',
    my_answers: 'Your answers',
    withdraw: 'Withdraw',
    withdraw_label: 'Withdraw your answer: {text}',
    withdrawn: 'Answer withdrawn.',
    status_shown: 'shown',
    status_pending: 'waiting for approval',
    status_hidden: 'not shown to the room',
    answers_shown_one: '{n} answer shown.',
    answers_shown_other: '{n} answers shown.',
    tab_now: 'Now',
    tab_questions: 'Questions',
    tab_questions_count: 'Questions ({n})',
    ask_heading: 'Ask the speaker',
    ask_label: 'Your question',
    ask_send: 'Ask',
    ask_sending: 'Sending your question\u2026',
    ask_recorded: 'Question sent.',
    ask_recorded_pending: 'Question sent. It will be shown once the facilitator approves it.',
    questions_heading: 'Questions from the room',
    questions_none: 'No questions yet. Be the first to ask.',
    question_votes_one: '{n} vote',
    question_votes_other: '{n} votes',
    upvote: 'Upvote',
    upvote_label: 'Upvote: {text}',
    upvoted: 'Upvoted',
    mine: 'Your question',
    q_status_answered: 'answered',
    q_status_pinned: 'pinned',
    q_status_pending: 'waiting for approval',
    q_status_hidden: 'not shown to the room',
    error_too_long: 'That is longer than this question allows.',
    error_limit_reached: 'You have reached the limit for this question.',
    error_qa_closed: 'This session does not take questions.',
    error_bad_message: 'That could not be sent. Please check it and try again.'
  };

  function t(key, values) {
    var v = values || {};
    var text = WORDS[key + (v.n === 1 ? '_one' : '_other')] || WORDS[key] || key;
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(v, name) ? String(v[name]) : m;
    });
  }

  window.HandsupWords = { t: t, words: WORDS };
})();
