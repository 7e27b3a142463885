/* hu_limits.h -- every bound the server enforces, named once.
 *
 * A limit lives here when more than one module, a test or the docs must agree
 * on it.  Changing one is a protocol or capacity decision: say so in docs/. */
#ifndef HU_LIMITS_H
#define HU_LIMITS_H

#define HU_CODE_LEN 8            /* join code: exactly 8 decimal digits */
#define HU_TOKEN_LEN 32          /* participant token: 128 random bits as hex */
#define HU_KEY_LEN 32            /* generated presenter key: 128 random bits as hex */
#define HU_KEY_MAX 128           /* longest --presenter-key (1 to 128 printable characters) */
#define HU_HASH_LEN 32           /* SHA-256 of a token, as stored */
#define HU_POLL_ID_MAX 64        /* [A-Za-z0-9_-]{1,64} */
#define HU_OPTION_MAX 16         /* options per poll (yes/no uses 2, a 0-10 scale 11) */
#define HU_OPTION_ID_MAX 40      /* option id derived from its label, bytes ([a-z0-9-]) */
#define HU_LABEL_MAX 200         /* option label or scale end label, bytes */

/* Poll kinds beyond yes/no (DESIGN.md section 7; docs/deck-format.md). */
#define HU_CHOICE_MIN 2          /* options of a "choice" poll */
#define HU_CHOICE_MAX 12
#define HU_SCALE_TOP 10          /* a scale runs within 0..10 */
#define HU_TEXT_MAX_DEFAULT 140  /* "max:" of a text poll, characters */
#define HU_TEXT_MAX 500
#define HU_ANSWERS_MAX 10        /* "answers:" per participant of a text poll */
#define HU_POLL_ANSWERS_MAX 200000 /* answers one text poll keeps, all participants */
#define HU_CLOUD_TOP 100         /* cloud entries in a tally */
#define HU_ASK_MAX 280           /* an audience question, characters */
#define HU_QA_PER_PARTICIPANT 20 /* questions one participant may ask */
#define HU_QA_MAX 5000           /* questions one session keeps */
#define HU_QA_TOP 50             /* questions a phone's list carries, besides its own */
#define HU_QA_INTERVAL_MS 1000   /* question lists (and presenters' answer lists) at most this often */
#define HU_ANSWERS_LIST_MAX 5000 /* answers in a presenter's "answers" message (newest first) */

#define HU_MSG_MAX 4096          /* largest WebSocket message accepted, bytes */
#define HU_RX_CHUNK 128          /* lws rx buffer: the chunk size, not the cap (a vote fits) */
#define HU_TX_CHUNK 65536        /* largest single send(): a state or tally always goes whole */
#define HU_OUTQ_MAX 64           /* queued replies per connection before it is dropped */

#define HU_DECK_MAX_BYTES (1024 * 1024)
#define HU_DECK_MAX_SLIDES 1000
#define HU_DECK_MAX_DISCUSS_SECONDS (24 * 3600)
#define HU_TITLE_MAX 200         /* front matter title, bytes */
#define HU_QUESTION_MAX 1000     /* poll question and slide title, bytes; longer headings are cut
                                    at a character boundary with a warning */

#define HU_MEDIA_MAX_BYTES (20 * 1024 * 1024) /* one image a deck shows, served at /media/ */
#define HU_MEDIA_PATH_MAX 1024   /* an image's path relative to the deck's folder, bytes */
#define HU_MEDIA_MAX 500         /* images and PDF pages per deck */
#define HU_PDF_MAX_PAGES 1000    /* pages one PDF may add; the deck's slide cap applies too */

#define HU_SESSION_MAX_PARTICIPANTS 200000
#define HU_SESSIONS_MAX 64       /* sessions served at once: decks on the command line plus uploads */
#define HU_RUN_LABEL_MAX 200     /* --run-label, bytes */
#define HU_RUN_STALE_HOURS 12    /* serve resumes a run live this recently, else asks (DESIGN section 10) */

#define HU_CONNS_PER_IP 4000    /* default --max-conns-per-ip: a venue behind one NAT */
#define HU_JOINS_BURST 1000      /* default --max-joins-burst: new tokens per address at once */
#define HU_JOINS_PER_S 20.0f     /* and then per second */

#define HU_PING_SECS 20          /* default --ping-interval: phones on Wi-Fi, a dead link found in 30 s */

#define HU_TALLY_INTERVAL_MS 50  /* presenter tallies at most this often per session */

#define HU_STORE_QUEUE_MAX 65536 /* store operations waiting for the writer */
#define HU_STORE_BATCH_MAX 512   /* operations per group commit */
#define HU_STORE_BATCH_MS 2      /* longest a batch waits for company */

#endif
