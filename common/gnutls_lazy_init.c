/* GnuTLS initialises itself from a library constructor in every process that loads it, and it is
 * loaded here only as a dependency of libldap (through libpq and libcurl), which call
 * gnutls_global_init() themselves before they use it. That implicit start-up reads p11-kit's
 * module configuration and touches about 1.5 MiB of library pages the programs never use.
 * GnuTLS documents this hook (GNUTLS_SKIP_GLOBAL_INIT in gnutls.h) for exactly this; the
 * executable must export it (see common/CMakeLists.txt). */
int _gnutls_global_init_skip(void);
int _gnutls_global_init_skip(void) { return 1; }
