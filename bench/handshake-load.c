/*
 * handshake-load: TLS client for the stapled benchmark (bench/README.md).
 *
 * wrk and h2load resume TLS sessions even with "Connection: close", so they cannot measure full
 * handshakes. This tool never resumes: every connection gets a fresh SSL object from a context
 * whose client session cache is off and which asks for no tickets, so each handshake is a full
 * one. Every handshake sends status_request; the tool counts the handshakes that came back
 * stapled (and whether the staple says "good" for the served leaf) and the resumptions (must be
 * 0). One JSON object is printed on stdout at the end.
 *
 * Modes:
 *   handshake  connect, full handshake, check the staple, [one request], close; repeat with -c
 *              threads for -d seconds or -N connections.
 *   hold       open -N connections (-c threads), one request each, then keep them all open
 *              until stdin reaches EOF (idle-connection memory).
 *   probe      retry every -i ms until a handshake succeeds and then until one is stapled; prints
 *              CLOCK_MONOTONIC times (start-up latency; start the probe before the server).
 *
 * Build: cc -O2 -Wall -o handshake-load handshake-load.c -lssl -lcrypto -lpthread
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- options ---------------------------------------------------------------------------- */

static const char *mode = "handshake";
static struct sockaddr_in target;
static const char *server_name = "localhost";
static const char *sigalgs = NULL;       /* e.g. "ECDSA+SHA256" or "rsa_pss_rsae_sha256" */
static const char *groups = "X25519";
static const char *ciphersuites = "TLS_AES_128_GCM_SHA256";
static const char *ca_file = NULL;      /* verify chain and staple signature when given */
static const char *path = "/";
static int concurrency = 1;
static long count = 0;                  /* handshake: stop after this many (0: use duration) */
static double duration = 0;             /* handshake: seconds */
static int send_request = 0;            /* handshake: one request per connection */
static double probe_timeout = 30;       /* probe: seconds */
static double probe_interval_ms = 2;    /* probe: pause between attempts */

static SSL_CTX *ctx;

static void usage(void) {
    fprintf(stderr,
            "usage: handshake-load [handshake|hold|probe] -a 127.0.0.1:PORT [options]\n"
            "  -n NAME      SNI name (localhost)\n"
            "  -s SIGALGS   signature algorithms offered, forces the certificate type\n"
            "               (ECDSA+SHA256 | rsa_pss_rsae_sha256)\n"
            "  -g GROUPS    key exchange groups (X25519)\n"
            "  -C CAFILE    verify the chain and the staple's signature against this root\n"
            "  -c N         concurrent connections / threads (1)\n"
            "  -N N         handshake: connections; hold: connections to hold\n"
            "  -d SECONDS   handshake: run for this long instead of -N\n"
            "  -r           handshake: send one request per connection and read the response\n"
            "  -p PATH      request path (/)\n"
            "  -t SECONDS   probe: give up after this long (30)\n"
            "  -i MS        probe: pause between attempts (2)\n");
    exit(2);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- one connection ----------------------------------------------------------------------- */

struct result {
    long ok, failed, resumed, stapled, staple_good, requests, request_failures;
    char protocol[32], cipher[64], group[32], first_error[160];
};

enum staple_state { STAPLE_NONE, STAPLE_PRESENT, STAPLE_GOOD };

/* Parses the stapled response; GOOD when it is successful, covers the served leaf with status
 * good, is within its validity window and (with -C) is signed by the issuer or its responder. */
static enum staple_state check_staple(SSL *ssl) {
    const unsigned char *der = NULL;
    long length = SSL_get_tlsext_status_ocsp_resp(ssl, &der);
    if (length <= 0 || der == NULL) return STAPLE_NONE;
    enum staple_state state = STAPLE_PRESENT;
    OCSP_RESPONSE *response = d2i_OCSP_RESPONSE(NULL, &der, length);
    OCSP_BASICRESP *basic = NULL;
    OCSP_CERTID *id = NULL;
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl); /* client side: leaf first */
    if (response == NULL || OCSP_response_status(response) != OCSP_RESPONSE_STATUS_SUCCESSFUL) goto done;
    if ((basic = OCSP_response_get1_basic(response)) == NULL) goto done;
    if (chain == NULL || sk_X509_num(chain) < 2) goto done;
    id = OCSP_cert_to_id(NULL, sk_X509_value(chain, 0), sk_X509_value(chain, 1));
    int status = -1, reason = 0;
    ASN1_GENERALIZEDTIME *revoked_at, *this_update, *next_update;
    if (id == NULL || !OCSP_resp_find_status(basic, id, &status, &reason, &revoked_at, &this_update, &next_update))
        goto done;
    if (status != V_OCSP_CERTSTATUS_GOOD || !OCSP_check_validity(this_update, next_update, 300, -1)) goto done;
    if (ca_file != NULL && OCSP_basic_verify(basic, chain, SSL_CTX_get_cert_store(ctx), 0) <= 0) goto done;
    state = STAPLE_GOOD;
done:
    OCSP_CERTID_free(id);
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(response);
    ERR_clear_error();
    return state;
}

static void note_error(struct result *r, const char *what) {
    if (r->first_error[0] != 0) return;
    unsigned long e = ERR_peek_error();
    char reason[120] = "";
    if (e != 0) ERR_error_string_n(e, reason, sizeof reason);
    else if (errno != 0) snprintf(reason, sizeof reason, "%s", strerror(errno));
    snprintf(r->first_error, sizeof r->first_error, "%s: %s", what, reason);
}

static int connect_socket(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&target, sizeof target) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* Writes the request, then reads the head and a Content-Length body. Returns 0 on success. */
static int request_response(SSL *ssl) {
    char request[512];
    int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: handshake-load\r\n\r\n",
                     path, server_name);
    if (SSL_write(ssl, request, n) != n) return -1;
    char buffer[16384];
    size_t have = 0;
    long body = -1, header_end = -1;
    while (header_end < 0) {
        if (have == sizeof buffer) return -1;
        int got = SSL_read(ssl, buffer + have, (int)(sizeof buffer - have));
        if (got <= 0) return -1;
        have += (size_t)got;
        for (size_t i = 3; i < have; i++) {
            if (memcmp(buffer + i - 3, "\r\n\r\n", 4) == 0) {
                header_end = (long)i + 1;
                break;
            }
        }
    }
    if (have < 12 || memcmp(buffer + 9, "200", 3) != 0) return -1;
    for (long i = 0; i < header_end; i++) {
        if ((i == 0 || buffer[i - 1] == '\n') && strncasecmp(buffer + i, "content-length:", 15) == 0) {
            body = strtol(buffer + i + 15, NULL, 10);
            break;
        }
    }
    if (body < 0) return -1;
    long remaining = body - (long)(have - (size_t)header_end);
    while (remaining > 0) {
        int got = SSL_read(ssl, buffer, remaining < (long)sizeof buffer ? (int)remaining : (int)sizeof buffer);
        if (got <= 0) return -1;
        remaining -= got;
    }
    return 0;
}

/* Connects and handshakes. Returns the SSL (fd attached) or NULL; fills r. */
static SSL *open_tls(struct result *r, int *fd_out, enum staple_state *staple) {
    errno = 0;
    int fd = connect_socket();
    if (fd < 0) {
        r->failed++;
        note_error(r, "connect");
        return NULL;
    }
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, server_name);
    SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
    if (ca_file != NULL) SSL_set1_host(ssl, server_name);
    if (SSL_connect(ssl) != 1) {
        r->failed++;
        note_error(r, "handshake");
        ERR_clear_error();
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    r->ok++;
    if (SSL_session_reused(ssl)) r->resumed++;
    *staple = check_staple(ssl);
    if (*staple != STAPLE_NONE) r->stapled++;
    if (*staple == STAPLE_GOOD) r->staple_good++;
    if (r->protocol[0] == 0) {
        snprintf(r->protocol, sizeof r->protocol, "%s", SSL_get_version(ssl));
        snprintf(r->cipher, sizeof r->cipher, "%s", SSL_get_cipher_name(ssl));
        int nid = SSL_get_negotiated_group(ssl);
        snprintf(r->group, sizeof r->group, "%s", nid > 0 ? OBJ_nid2sn(nid) : "?");
    }
    *fd_out = fd;
    return ssl;
}

static void close_tls(SSL *ssl, int fd) {
    SSL_shutdown(ssl); /* close_notify; we do not wait for the server's */
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
}

/* ---- handshake mode ---------------------------------------------------------------------- */

static atomic_long started;
static double deadline;

static void *handshake_thread(void *arg) {
    struct result *r = arg;
    for (;;) {
        if (count > 0) {
            if (atomic_fetch_add(&started, 1) >= count) break;
        } else if (now_seconds() >= deadline) {
            break;
        }
        int fd;
        enum staple_state staple;
        SSL *ssl = open_tls(r, &fd, &staple);
        if (ssl == NULL) {
            usleep(1000);
            continue;
        }
        if (send_request) {
            if (request_response(ssl) == 0) r->requests++;
            else {
                r->request_failures++;
                note_error(r, "request");
            }
        }
        close_tls(ssl, fd);
    }
    return NULL;
}

/* ---- hold mode --------------------------------------------------------------------------- */

struct held {
    SSL *ssl;
    int fd;
};
static struct held *held;
static atomic_long hold_next;

static void *hold_thread(void *arg) {
    struct result *r = arg;
    for (;;) {
        long index = atomic_fetch_add(&hold_next, 1);
        if (index >= count) break;
        for (int attempt = 0; attempt < 3; attempt++) {
            int fd;
            enum staple_state staple;
            SSL *ssl = open_tls(r, &fd, &staple);
            if (ssl == NULL) continue;
            if (request_response(ssl) != 0) {
                r->request_failures++;
                note_error(r, "request");
                close_tls(ssl, fd);
                continue;
            }
            r->requests++;
            held[index].ssl = ssl;
            held[index].fd = fd;
            break;
        }
    }
    return NULL;
}

/* ---- output ------------------------------------------------------------------------------ */

static void print_result(const struct result *r, double elapsed, const char *extra) {
    printf("{\"mode\":\"%s\",\"ok\":%ld,\"failed\":%ld,\"resumed\":%ld,\"stapled\":%ld,\"staple_good\":%ld,"
           "\"requests\":%ld,\"request_failures\":%ld,\"elapsed_s\":%.6f,\"protocol\":\"%s\",\"cipher\":\"%s\","
           "\"group\":\"%s\",\"first_error\":\"%s\"%s}\n",
           mode, r->ok, r->failed, r->resumed, r->stapled, r->staple_good, r->requests, r->request_failures,
           elapsed, r->protocol, r->cipher, r->group, r->first_error, extra ? extra : "");
    fflush(stdout);
}

static void sum_results(struct result *total, struct result *parts, int n) {
    memset(total, 0, sizeof *total);
    for (int i = 0; i < n; i++) {
        total->ok += parts[i].ok;
        total->failed += parts[i].failed;
        total->resumed += parts[i].resumed;
        total->stapled += parts[i].stapled;
        total->staple_good += parts[i].staple_good;
        total->requests += parts[i].requests;
        total->request_failures += parts[i].request_failures;
        if (total->protocol[0] == 0) {
            memcpy(total->protocol, parts[i].protocol, sizeof total->protocol);
            memcpy(total->cipher, parts[i].cipher, sizeof total->cipher);
            memcpy(total->group, parts[i].group, sizeof total->group);
        }
        if (total->first_error[0] == 0) memcpy(total->first_error, parts[i].first_error, sizeof total->first_error);
    }
    for (char *c = total->first_error; *c; c++)
        if (*c == '"' || *c == '\\') *c = '\'';
}

static void run_threads(void *(*body)(void *), struct result *parts) {
    pthread_t *threads = calloc((size_t)concurrency, sizeof *threads);
    for (int i = 0; i < concurrency; i++) {
        /* Small stacks: hold mode may run many threads. */
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (pthread_create(&threads[i], &attr, body, &parts[i]) != 0) {
            perror("pthread_create");
            exit(1);
        }
        pthread_attr_destroy(&attr);
    }
    for (int i = 0; i < concurrency; i++) pthread_join(threads[i], NULL);
    free(threads);
}

/* ---- probe mode -------------------------------------------------------------------------- */

static int run_probe(void) {
    struct result r;
    memset(&r, 0, sizeof r);
    long long start = now_ns(), first_ns = -1, first_stapled_ns = -1, limit = start + (long long)(probe_timeout * 1e9);
    int first_was_stapled = 0;
    long refused = 0;
    while (now_ns() < limit) {
        int fd;
        enum staple_state staple = STAPLE_NONE;
        errno = 0;
        SSL *ssl = open_tls(&r, &fd, &staple);
        if (ssl == NULL) {
            refused++;
        } else {
            long long t = now_ns();
            if (first_ns < 0) {
                first_ns = t;
                first_was_stapled = staple == STAPLE_GOOD;
            }
            close_tls(ssl, fd);
            if (staple == STAPLE_GOOD) {
                first_stapled_ns = t;
                break;
            }
        }
        usleep((useconds_t)(probe_interval_ms * 1000));
    }
    char extra[256];
    snprintf(extra, sizeof extra,
             ",\"probe_start_ns\":%lld,\"first_handshake_ns\":%lld,\"first_stapled\":%s,"
             "\"first_stapled_ns\":%lld,\"attempts_failed\":%ld",
             start, first_ns, first_was_stapled ? "true" : "false", first_stapled_ns, refused);
    r.failed = 0; /* refusals while the server starts are expected */
    print_result(&r, (double)(now_ns() - start) / 1e9, extra);
    return first_stapled_ns >= 0 ? 0 : 1;
}

/* ---- main -------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    if (argc > 1 && argv[1][0] != '-') {
        mode = argv[1];
        argv++;
        argc--;
    }
    int opt;
    const char *address = NULL;
    while ((opt = getopt(argc, argv, "a:n:s:g:C:c:N:d:rp:t:i:")) != -1) {
        switch (opt) {
        case 'a': address = optarg; break;
        case 'n': server_name = optarg; break;
        case 's': sigalgs = optarg; break;
        case 'g': groups = optarg; break;
        case 'C': ca_file = optarg; break;
        case 'c': concurrency = atoi(optarg); break;
        case 'N': count = atol(optarg); break;
        case 'd': duration = atof(optarg); break;
        case 'r': send_request = 1; break;
        case 'p': path = optarg; break;
        case 't': probe_timeout = atof(optarg); break;
        case 'i': probe_interval_ms = atof(optarg); break;
        default: usage();
        }
    }
    if (address == NULL || concurrency < 1) usage();
    char host[64];
    const char *colon = strrchr(address, ':');
    if (colon == NULL || (size_t)(colon - address) >= sizeof host) usage();
    memcpy(host, address, (size_t)(colon - address));
    host[colon - address] = 0;
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &target.sin_addr) != 1) usage();

    ctx = SSL_CTX_new(TLS_client_method());
    /* Never resume: no client session cache, no tickets asked for (TLS 1.2), and no session is
     * ever set on a new SSL. TLS 1.3 servers may still send tickets; they are never used. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (sigalgs && SSL_CTX_set1_sigalgs_list(ctx, sigalgs) != 1) {
        fprintf(stderr, "handshake-load: bad sigalgs %s\n", sigalgs);
        return 2;
    }
    if (SSL_CTX_set1_groups_list(ctx, groups) != 1 || SSL_CTX_set_ciphersuites(ctx, ciphersuites) != 1) {
        fprintf(stderr, "handshake-load: bad groups or ciphersuites\n");
        return 2;
    }
    if (ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
            fprintf(stderr, "handshake-load: cannot load %s\n", ca_file);
            return 2;
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }

    if (strcmp(mode, "probe") == 0) return run_probe();

    struct result *parts = calloc((size_t)concurrency, sizeof *parts);
    struct result total;
    if (strcmp(mode, "handshake") == 0) {
        if (count <= 0 && duration <= 0) usage();
        double start = now_seconds();
        deadline = start + duration;
        run_threads(handshake_thread, parts);
        sum_results(&total, parts, concurrency);
        print_result(&total, now_seconds() - start, NULL);
        return total.ok > 0 ? 0 : 1;
    }
    if (strcmp(mode, "hold") == 0) {
        if (count <= 0) usage();
        struct rlimit limit;
        getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        held = calloc((size_t)count, sizeof *held);
        double start = now_seconds();
        run_threads(hold_thread, parts);
        sum_results(&total, parts, concurrency);
        char extra[64];
        snprintf(extra, sizeof extra, ",\"held\":%ld", total.requests);
        print_result(&total, now_seconds() - start, extra);
        /* Hold until the harness closes our stdin. */
        char byte;
        while (read(0, &byte, 1) > 0) {
        }
        return 0;
    }
    usage();
    return 2;
}
