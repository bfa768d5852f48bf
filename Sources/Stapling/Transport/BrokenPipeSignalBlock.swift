import Glibc

/// Keeps `SIGPIPE` from killing the process while this thread writes to a socket the peer closed.
///
/// Plain sockets use `MSG_NOSIGNAL`, but OpenSSL writes with `write(2)`. So `SIGPIPE` is blocked on
/// the calling thread for the duration of a fetch; one raised meanwhile is consumed before the
/// thread's previous mask is restored. Nothing process-wide is changed.
struct BrokenPipeSignalBlock {
    private var previous = sigset_t()

    init() {
        var pipe = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, &previous)
    }

    func restore() {
        var previous = self.previous
        if sigismember(&previous, SIGPIPE) == 0 {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var pipe = sigset_t()
                sigemptyset(&pipe)
                sigaddset(&pipe, SIGPIPE)
                var now = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipe, nil, &now)
            }
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
}
