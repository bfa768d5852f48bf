#include "CStapledShims.h"
#include <unistd.h>
#include <sys/syscall.h>

int CStapledShims_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

int CStapledShims_SOCK_NONBLOCK_CLOEXEC(void) { return SOCK_NONBLOCK | SOCK_CLOEXEC; }

int CStapledShims_gettid(void) { return (int)syscall(SYS_gettid); }
