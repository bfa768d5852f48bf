#ifndef CSTAPLEDSHIMS_OCSP_H
#define CSTAPLEDSHIMS_OCSP_H
#include <openssl/ocsp.h>
#include <openssl/safestack.h>
#include <openssl/ssl.h>

// Stacks of OPENSSL_STRING (X509_get1_ocsp returns one).
static inline int CStapledShims_sk_OPENSSL_STRING_num(const STACK_OF(OPENSSL_STRING) *sk) {
    return sk_OPENSSL_STRING_num(sk);
}
static inline char *CStapledShims_sk_OPENSSL_STRING_value(const STACK_OF(OPENSSL_STRING) *sk, int i) {
    return sk_OPENSSL_STRING_value(sk, i);
}

// OCSP over HTTPS: the client names the responder host in SNI (a macro over SSL_ctrl).
static inline int CStapledShims_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

#endif
