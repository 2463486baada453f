// Loopback TCP ports of the kernel's choice: one that nothing listens on
// (bound once, then closed), for a server a test starts or for "nobody
// there"; and a listening socket, for a fake server inside the test.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace iot::test {

// A TCP socket bound to 127.0.0.1 on a port the kernel picks; sets `port`.
inline int bound_loopback_socket(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

inline int unused_loopback_port() {
  int port = 0;
  ::close(bound_loopback_socket(port));
  return port;
}

// A socket listening on a fresh loopback port (set in `port`); the caller closes it.
inline int loopback_listener(int backlog, int& port) {
  int fd = bound_loopback_socket(port);
  ::listen(fd, backlog);
  return fd;
}

}  // namespace iot::test
