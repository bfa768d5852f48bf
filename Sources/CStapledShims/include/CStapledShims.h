// One prefixed wrapper per macro of libev and OpenSSL that Swift cannot import, plus accept4
// (hidden from Glibc's module without _GNU_SOURCE). Nothing here holds state or policy.
#ifndef CSTAPLEDSHIMS_H
#define CSTAPLEDSHIMS_H

#include <ev.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/ocsp.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include "CStapledShims_libev.h"
#include "CStapledShims_openssl.h"
#include "CStapledShims_ocsp.h"

/// accept4(2); defined in shims.c, which is compiled with _GNU_SOURCE.
int CStapledShims_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// The SOCK_NONBLOCK | SOCK_CLOEXEC flags for accept4, which Glibc's Swift module hides.
int CStapledShims_SOCK_NONBLOCK_CLOEXEC(void);

/// The current thread's kernel id (gettid(2)), for logs and per-thread accounting.
int CStapledShims_gettid(void);

#endif
