/* Debian 12's civetweb 1.15 loads OpenSSL at run time by the name "libssl.so" and asks for
 * SSL_get_peer_certificate, which OpenSSL 3 only provides as a macro for
 * SSL_get1_peer_certificate; the lookup fails and civetweb's TLS is left half-initialised.
 * This library has the SONAME "libssl.so" and depends on libssl.so.3: once it is loaded, glibc
 * hands it to civetweb's dlopen("libssl.so"), so every symbol resolves, the missing one here. */
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate
X509* SSL_get_peer_certificate(const SSL* ssl);
X509* SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }
