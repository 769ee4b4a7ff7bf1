#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H

// libpq, the PostgreSQL client library (Debian libpq-dev; pkg-config adds -I/usr/include/postgresql).
// Redshift speaks the same protocol, so one client serves both dialects.
#include <libpq-fe.h>

// Silences the server's NOTICE messages (e.g. "schema already exists, skipping"), which libpq prints on
// stderr by default; Swift cannot pass a C function pointer literal as easily as this.
static void CLibPQ_ignoreNotice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

static inline void CLibPQ_silenceNotices(PGconn *conn) {
    PQsetNoticeProcessor(conn, CLibPQ_ignoreNotice, NULL);
}

#endif
