// Linux interfaces the toolchain's Glibc module leaves out, for the POSIX target.
//
// Glibc's module map covers neither <sys/epoll.h> nor <sys/eventfd.h>, and it is built without
// _GNU_SOURCE, so accept4(2) and pipe2(2) are declared nowhere Swift can see. Defining
// _GNU_SOURCE here would change nothing (<sys/socket.h> and <unistd.h> come from the already
// built Glibc module), so the two prototypes are repeated exactly as glibc declares them; the
// symbols are in libc itself, so nothing is linked.
#ifndef MOBIUS_CLINUX_SHIM_H
#define MOBIUS_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int pipe2(int pipefd[2], int flags);

// For `deploy` starting a server that outlives it: a new session (glibc's POSIX_SPAWN_SETSID,
// 0x80) and a working folder for the child (glibc 2.29+), both _GNU_SOURCE-only in <spawn.h>.
#include <spawn.h>
#define MOBIUS_POSIX_SPAWN_SETSID 0x80
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
// And no descriptor of deploy's (its HTTP client sockets, its caller's pipes) leaks into the server (glibc 2.34+).
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif
