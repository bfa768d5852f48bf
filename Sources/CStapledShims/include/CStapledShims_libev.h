#ifndef CSTAPLEDSHIMS_LIBEV_H
#define CSTAPLEDSHIMS_LIBEV_H
#include <ev.h>

typedef void (*CStapledShims_ev_io_cb)(struct ev_loop *loop, ev_io *w, int revents);
typedef void (*CStapledShims_ev_timer_cb)(struct ev_loop *loop, ev_timer *w, int revents);
typedef void (*CStapledShims_ev_signal_cb)(struct ev_loop *loop, ev_signal *w, int revents);
typedef void (*CStapledShims_ev_async_cb)(struct ev_loop *loop, ev_async *w, int revents);

static inline void CStapledShims_ev_io_init(ev_io *w, CStapledShims_ev_io_cb cb, int fd, int events) {
    ev_io_init(w, cb, fd, events);
}
static inline void CStapledShims_ev_io_set(ev_io *w, int fd, int events) { ev_io_set(w, fd, events); }
/* Changes the events of a stopped watcher without marking its descriptor as new (ev_io_set
 * does, which makes libev re-register the descriptor with epoll on the next start). */
static inline void CStapledShims_ev_io_modify(ev_io *w, int events) { ev_io_modify(w, events); }
/* Points a stopped watcher at `fd`, which stays registered with the loop (another watcher had it
 * and it was not closed since): no re-registration with epoll. */
static inline void CStapledShims_ev_io_adopt(ev_io *w, int fd) {
    w->fd = fd;
    w->events &= ~EV__IOFDSET;
}
static inline void CStapledShims_ev_timer_init(ev_timer *w, CStapledShims_ev_timer_cb cb, double after, double repeat) {
    ev_timer_init(w, cb, after, repeat);
}
static inline void CStapledShims_ev_timer_set(ev_timer *w, double after, double repeat) {
    ev_timer_set(w, after, repeat);
}
static inline void CStapledShims_ev_signal_init(ev_signal *w, CStapledShims_ev_signal_cb cb, int signum) {
    ev_signal_init(w, cb, signum);
}
static inline void CStapledShims_ev_async_init(ev_async *w, CStapledShims_ev_async_cb cb) { ev_async_init(w, cb); }
static inline int CStapledShims_ev_is_active(const void *w) { return ev_is_active((const ev_watcher *)w); }
static inline int CStapledShims_ev_is_pending(const void *w) { return ev_is_pending((const ev_watcher *)w); }

static inline unsigned int CStapledShims_EVFLAG_SIGNALFD(void) { return EVFLAG_SIGNALFD; }
static inline unsigned int CStapledShims_EVFLAG_NOSIGMASK(void) { return EVFLAG_NOSIGMASK; }
static inline unsigned int CStapledShims_EVBACKEND_EPOLL(void) { return EVBACKEND_EPOLL; }
static inline int CStapledShims_EV_READ(void) { return EV_READ; }
static inline int CStapledShims_EV_WRITE(void) { return EV_WRITE; }
static inline int CStapledShims_EVBREAK_ALL(void) { return EVBREAK_ALL; }

#endif
