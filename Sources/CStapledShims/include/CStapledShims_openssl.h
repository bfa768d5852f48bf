#ifndef CSTAPLEDSHIMS_OPENSSL_H
#define CSTAPLEDSHIMS_OPENSSL_H
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/crypto.h>

// Context setters (macros over SSL_CTX_ctrl).
static inline int CStapledShims_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int v) {
    return (int)SSL_CTX_set_min_proto_version(ctx, v);
}
static inline int CStapledShims_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int v) {
    return (int)SSL_CTX_set_max_proto_version(ctx, v);
}
static inline long CStapledShims_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long CStapledShims_SSL_set_mode(SSL *ssl, long mode) { return SSL_set_mode(ssl, mode); }
static inline int CStapledShims_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return (int)SSL_CTX_set1_groups_list(ctx, list);
}
static inline int CStapledShims_SSL_CTX_set_dh_auto(SSL_CTX *ctx, int onoff) { return (int)SSL_CTX_set_dh_auto(ctx, onoff); }
static inline long CStapledShims_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline int CStapledShims_SSL_CTX_set_tlsext_servername_callback(SSL_CTX *ctx, int (*cb)(SSL *, int *, void *)) {
    return (int)SSL_CTX_set_tlsext_servername_callback(ctx, cb);
}
static inline int CStapledShims_SSL_CTX_set_tlsext_servername_arg(SSL_CTX *ctx, void *arg) {
    return (int)SSL_CTX_set_tlsext_servername_arg(ctx, arg);
}
static inline int CStapledShims_SSL_CTX_set_tlsext_status_cb(SSL_CTX *ctx, int (*cb)(SSL *, void *)) {
    return (int)SSL_CTX_set_tlsext_status_cb(ctx, cb);
}
static inline int CStapledShims_SSL_CTX_set_tlsext_status_arg(SSL_CTX *ctx, void *arg) {
    return (int)SSL_CTX_set_tlsext_status_arg(ctx, arg);
}
static inline int CStapledShims_SSL_get_tlsext_status_type(SSL *ssl) { return (int)SSL_get_tlsext_status_type(ssl); }
static inline int CStapledShims_SSL_set_tlsext_status_ocsp_resp(SSL *ssl, unsigned char *der, long len) {
    return (int)SSL_set_tlsext_status_ocsp_resp(ssl, der, len);
}
static inline long CStapledShims_SSL_get_tlsext_status_ocsp_resp(SSL *ssl, const unsigned char **der) {
    return SSL_get_tlsext_status_ocsp_resp(ssl, der);
}
static inline int CStapledShims_SSL_CTX_set_tlsext_ticket_key_evp_cb(
    SSL_CTX *ctx, int (*cb)(SSL *, unsigned char *, unsigned char *, EVP_CIPHER_CTX *, EVP_MAC_CTX *, int)) {
    return (int)SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, cb);
}
static inline int CStapledShims_SSL_get_ex_new_index(void) { return SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL); }
static inline int CStapledShims_SSL_CTX_get_ex_new_index(void) {
    return SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}
static inline int CStapledShims_SSL_CTX_add0_chain_cert(SSL_CTX *ctx, X509 *x) { return (int)SSL_CTX_add0_chain_cert(ctx, x); }
static inline int CStapledShims_SSL_CTX_set_read_ahead(SSL_CTX *ctx, int yes) {
    return (int)SSL_CTX_set_read_ahead(ctx, yes);
}

// Option and mode constants (some are wider than Swift imports cleanly).
static inline uint64_t CStapledShims_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t CStapledShims_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t CStapledShims_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline uint64_t CStapledShims_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline long CStapledShims_SSL_MODE_RELEASE_BUFFERS(void) { return SSL_MODE_RELEASE_BUFFERS; }
static inline long CStapledShims_SSL_MODE_ENABLE_PARTIAL_WRITE(void) { return SSL_MODE_ENABLE_PARTIAL_WRITE; }
static inline long CStapledShims_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER(void) { return SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER; }
static inline int CStapledShims_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
static inline int CStapledShims_TLS1_3_VERSION(void) { return TLS1_3_VERSION; }
static inline int CStapledShims_TLSEXT_STATUSTYPE_ocsp(void) { return TLSEXT_STATUSTYPE_ocsp; }

// Stacks of X509 (sk_X509_* are macros).
static inline int CStapledShims_sk_X509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *CStapledShims_sk_X509_value(const STACK_OF(X509) *sk, int i) { return sk_X509_value(sk, i); }
static inline STACK_OF(X509) *CStapledShims_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int CStapledShims_sk_X509_push(STACK_OF(X509) *sk, X509 *x) { return sk_X509_push(sk, x); }
static inline void CStapledShims_sk_X509_free(STACK_OF(X509) *sk) { sk_X509_free(sk); }
static inline void CStapledShims_sk_X509_pop_free(STACK_OF(X509) *sk) { sk_X509_pop_free(sk, X509_free); }

// Subject alternative names.
static inline int CStapledShims_sk_GENERAL_NAME_num(const STACK_OF(GENERAL_NAME) *sk) { return sk_GENERAL_NAME_num(sk); }
static inline GENERAL_NAME *CStapledShims_sk_GENERAL_NAME_value(const STACK_OF(GENERAL_NAME) *sk, int i) {
    return sk_GENERAL_NAME_value(sk, i);
}
static inline void CStapledShims_GENERAL_NAMES_free(STACK_OF(GENERAL_NAME) *sk) { GENERAL_NAMES_free(sk); }

// Allocation: OpenSSL frees what OpenSSL allocated.
static inline void *CStapledShims_OPENSSL_memdup(const void *p, size_t n) { return OPENSSL_memdup(p, n); }
static inline void CStapledShims_OPENSSL_free(void *p) { OPENSSL_free(p); }

// Memory BIOs.
static inline long CStapledShims_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

#endif
