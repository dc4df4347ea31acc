// The least a process that reads PostgreSQL through Debian's libpq can occupy: one connection
// (SCRAM-SHA-256 authentication, as the benchmark's server asks) and SELECT 1, nothing else.
// Prints its resident set size in KiB. bench/exporter reports it next to the exporters' RSS.
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DSN\n", argv[0]);
        return 2;
    }
    PGconn* conn = PQconnectdb(argv[1]);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "libpq_floor: %s", PQerrorMessage(conn));
        return 1;
    }
    PGresult* result = PQexec(conn, "SELECT 1");
    int ok = PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    if (!ok) {
        fprintf(stderr, "libpq_floor: %s", PQerrorMessage(conn));
        return 1;
    }
    long rss_kib = -1;
    FILE* status = fopen("/proc/self/status", "r");
    char line[256];
    while (status && fgets(line, sizeof line, status))
        if (strncmp(line, "VmRSS:", 6) == 0) rss_kib = strtol(line + 6, NULL, 10);
    if (status) fclose(status);
    PQfinish(conn);
    if (rss_kib < 0) return 1;
    printf("%ld\n", rss_kib);
    return 0;
}
