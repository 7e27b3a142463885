/* store_schema_runs.c -- schema 3: the migration that gives sessions their
 * runs.
 *
 * A run is one showing of a session's deck (DESIGN section 10): its own
 * participants, poll states, votes, answers and questions, a number (1, 2,
 * ... per session, never reused), an optional label and its start and end.
 * Every table that held a session's room state (polls, participants, votes,
 * and schema 2's answers, questions and upvotes) is keyed by the run's row
 * (runs.id) from here on, in a column named run_id; the session row keeps
 * only what all runs share: code, presenter key, deck and title.
 *
 * The migration makes each existing session's state its run 1, with the run's
 * row id equal to the session's, so no key value changes: the tables are
 * rebuilt (SQLite cannot change a primary or foreign key in place) by copying
 * rows across unchanged.  store_migrate runs it with foreign keys off, as a
 * rebuild must, and checks them all before it commits. */
#include "store_impl.h"

int store_migrate_runs(sqlite3 *db, char **errmsg)
{
    static const char sql[] =
        "CREATE TABLE runs("
        " id INTEGER PRIMARY KEY,"
        " session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " number INTEGER NOT NULL CHECK(number > 0),"
        " label TEXT NOT NULL DEFAULT '',"
        " started_at INTEGER NOT NULL,"
        " ended_at INTEGER NOT NULL DEFAULT 0,"
        " updated_at INTEGER NOT NULL,"
        " current_slide INTEGER NOT NULL DEFAULT 0,"
        " UNIQUE(session_id, number));"
        /* Runs ever started, so a deleted run's number is never given again. */
        "ALTER TABLE sessions ADD COLUMN runs INTEGER NOT NULL DEFAULT 0;"
        "CREATE TABLE settings(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
        "INSERT INTO runs(id, session_id, number, label, started_at, ended_at, updated_at, current_slide)"
        " SELECT id, id, 1, '', created_at, 0, updated_at, current_slide FROM sessions;"
        "UPDATE sessions SET runs = 1;"

        "CREATE TABLE polls_v3("
        " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
        " poll_id TEXT NOT NULL,"
        " question TEXT NOT NULL,"
        " kind TEXT NOT NULL,"
        " slide_index INTEGER NOT NULL,"
        " status INTEGER NOT NULL CHECK(status IN (0, 1, 2)),"
        " revealed INTEGER NOT NULL,"
        " opened_at INTEGER NOT NULL,"
        " closed_at INTEGER NOT NULL,"
        " participants_at_close INTEGER NOT NULL,"
        " params TEXT NOT NULL DEFAULT '',"
        " PRIMARY KEY(run_id, poll_id)) WITHOUT ROWID;"
        "INSERT INTO polls_v3 SELECT session_id, poll_id, question, kind, slide_index, status, revealed,"
        " opened_at, closed_at, participants_at_close, params FROM polls;"

        "CREATE TABLE participants_v3("
        " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
        " idx INTEGER NOT NULL,"
        " token_hash BLOB NOT NULL CHECK(length(token_hash) = 32),"
        " joined_at INTEGER NOT NULL,"
        " PRIMARY KEY(run_id, idx),"
        " UNIQUE(run_id, token_hash)) WITHOUT ROWID;"
        "INSERT INTO participants_v3 SELECT session_id, idx, token_hash, joined_at FROM participants;"

        "CREATE TABLE votes_v3("
        " run_id INTEGER NOT NULL,"
        " poll_id TEXT NOT NULL,"
        " participant INTEGER NOT NULL,"
        " choice TEXT NOT NULL,"
        " voted_at INTEGER NOT NULL,"
        " PRIMARY KEY(run_id, poll_id, participant),"
        " FOREIGN KEY(run_id, poll_id) REFERENCES polls_v3(run_id, poll_id) ON DELETE CASCADE,"
        " FOREIGN KEY(run_id, participant) REFERENCES participants_v3(run_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;"
        "INSERT INTO votes_v3 SELECT session_id, poll_id, participant, choice, voted_at FROM votes;"

        "CREATE TABLE answers_v3("
        " run_id INTEGER NOT NULL,"
        " poll_id TEXT NOT NULL,"
        " answer_id INTEGER NOT NULL CHECK(answer_id > 0),"
        " participant INTEGER NOT NULL,"
        " text TEXT NOT NULL,"
        " status INTEGER NOT NULL CHECK(status IN (1, 2, 3, 4)),"
        " created_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL,"
        " PRIMARY KEY(run_id, poll_id, answer_id),"
        " FOREIGN KEY(run_id, poll_id) REFERENCES polls_v3(run_id, poll_id) ON DELETE CASCADE,"
        " FOREIGN KEY(run_id, participant) REFERENCES participants_v3(run_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;"
        "INSERT INTO answers_v3 SELECT session_id, poll_id, answer_id, participant, text, status, created_at,"
        " updated_at FROM answers;"

        "CREATE TABLE questions_v3("
        " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
        " question_id INTEGER NOT NULL CHECK(question_id > 0),"
        " participant INTEGER NOT NULL,"
        " text TEXT NOT NULL,"
        " status INTEGER NOT NULL CHECK(status IN (1, 2, 3, 4, 5)),"
        " created_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL,"
        " PRIMARY KEY(run_id, question_id),"
        " FOREIGN KEY(run_id, participant) REFERENCES participants_v3(run_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;"
        "INSERT INTO questions_v3 SELECT session_id, question_id, participant, text, status, created_at,"
        " updated_at FROM questions;"

        "CREATE TABLE upvotes_v3("
        " run_id INTEGER NOT NULL,"
        " question_id INTEGER NOT NULL,"
        " participant INTEGER NOT NULL,"
        " voted_at INTEGER NOT NULL,"
        " PRIMARY KEY(run_id, question_id, participant),"
        " FOREIGN KEY(run_id, question_id) REFERENCES questions_v3(run_id, question_id) ON DELETE CASCADE,"
        " FOREIGN KEY(run_id, participant) REFERENCES participants_v3(run_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;"
        "INSERT INTO upvotes_v3 SELECT session_id, question_id, participant, voted_at FROM upvotes;"

        /* Children first; the renames then point every reference at the new
         * tables under their old names. */
        "DROP TABLE upvotes;"
        "DROP TABLE questions;"
        "DROP TABLE answers;"
        "DROP TABLE votes;"
        "DROP TABLE participants;"
        "DROP TABLE polls;"
        "ALTER TABLE polls_v3 RENAME TO polls;"
        "ALTER TABLE participants_v3 RENAME TO participants;"
        "ALTER TABLE votes_v3 RENAME TO votes;"
        "ALTER TABLE answers_v3 RENAME TO answers;"
        "ALTER TABLE questions_v3 RENAME TO questions;"
        "ALTER TABLE upvotes_v3 RENAME TO upvotes;";
    return sqlite3_exec(db, sql, NULL, NULL, errmsg);
}
