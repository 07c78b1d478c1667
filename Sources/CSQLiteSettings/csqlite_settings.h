#ifndef CSQLITE_SETTINGS_H
#define CSQLITE_SETTINGS_H

#include <sqlite3.h>

/// sqlite3_db_config(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE), which Swift cannot call (a variadic C
/// function): the connection does not checkpoint the write-ahead log when it closes last.
/// Returns SQLITE_OK, or an error code where SQLite is older than 3.28 or refuses.
static inline int csqlite_no_checkpoint_on_close(sqlite3 *db) {
#ifdef SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
    int enabled = 0;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &enabled);
#else
    (void)db;
    return SQLITE_ERROR;
#endif
}

#endif
