/*
 * c-http-body: pattern 2, HTTP responses never released. The program starts its own
 * HTTP/1.1 server on 127.0.0.1 (an ephemeral port, one epoll thread, keep-alive) and
 * a client that sends GET requests at --rate per second for --duration. Each response
 * carries a --size body that the client reads completely into a malloc'd buffer.
 * Leaky: the client then forgets both the buffer and the connection (no free, no
 * close), the way a Go client that never closes resp.Body keeps its connection busy:
 * each request leaves 2 fds (client socket, server's accepted socket) and --size bytes
 * of RSS behind. --fixed: free the buffer and close the socket after each response:
 * fds and RSS stay flat. At the nofile limit it prints "Error at request N: ..." and
 * exits 3.
 */
#include "scenario.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct sc_desc desc = {
    .name = "c-http-body",
    .what = "Pattern 2: HTTP responses (buffer and connection) never released.",
    .leaky = "GET from a loopback server, read the whole --size body into a malloc'd "
	     "buffer, then never free it nor close the socket: +2 fds and +--size RSS per "
	     "request",
    .fixed = "the same requests; free the buffer and close the socket each time",
    .unit = "requests",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_SIZE,
    .defaults = {.rate = 100, .duration_ns = 3000000000LL, .size = 64 * 1024},
};

/* ---- server: one thread, epoll, keep-alive, the same canned response every time ---- */

struct conn {
	int fd;
	size_t seen;	  /* bytes of the current request header received */
	char tail[4];	  /* last bytes received, to spot "\r\n\r\n" across reads */
	size_t out_off;	  /* bytes of the response already sent; == len when idle */
	bool want_output; /* registered for EPOLLOUT */
};

struct server {
	int listen_fd;
	int epfd;
	struct sockaddr_in addr;
	char *response;
	size_t response_len;
	atomic_int accept_errno; /* why accept() last failed, for the client's report */
};

static void conn_close(struct server *s, struct conn *c)
{
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* Send what is pending; false when the connection is gone. */
static bool conn_flush(struct server *s, struct conn *c)
{
	while (c->out_off < s->response_len) {
		ssize_t n = send(c->fd, s->response + c->out_off, s->response_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!c->want_output) {
				struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT,
							 .data.ptr = c};
				epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
				c->want_output = true;
			}
			return true;
		}
		if (n <= 0) {
			return false;
		}
		c->out_off += (size_t)n;
	}
	if (c->want_output) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_output = false;
	}
	return true;
}

/* Read request bytes; each blank line ending a header starts one response. */
static bool conn_read(struct server *s, struct conn *c)
{
	char buf[4096];
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return true;
		}
		if (n <= 0) {
			return false; /* the client closed (fixed mode) or the socket failed */
		}
		for (ssize_t i = 0; i < n; i++) {
			memmove(c->tail, c->tail + 1, 3);
			c->tail[3] = buf[i];
			c->seen++;
			if (c->seen >= 4 && memcmp(c->tail, "\r\n\r\n", 4) == 0) {
				c->seen = 0;
				memset(c->tail, 0, sizeof(c->tail));
				if (c->out_off < s->response_len) {
					continue; /* pipelined while busy: our client never does */
				}
				c->out_off = 0;
				if (!conn_flush(s, c)) {
					return false;
				}
			}
		}
	}
}

static void server_accept(struct server *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				/* EMFILE: stop accepting (a full listen queue would otherwise keep
				 * the level-triggered listener ready and this thread spinning);
				 * the client times out and reports why. */
				atomic_store(&s->accept_errno, errno);
				epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->listen_fd, NULL);
			}
			return;
		}
		struct conn *c = calloc(1, sizeof(*c));
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (!c || epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			atomic_store(&s->accept_errno, c ? errno : ENOMEM);
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->out_off = s->response_len;
	}
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct epoll_event evs[64];
	for (;;) {
		int n = epoll_wait(s->epfd, evs, 64, -1);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL) {
				server_accept(s);
				continue;
			}
			struct conn *c = evs[i].data.ptr;
			bool ok = true;
			if (evs[i].events & EPOLLOUT) {
				ok = conn_flush(s, c);
			}
			if (ok && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
				ok = conn_read(s, c);
			}
			if (!ok) {
				conn_close(s, c);
			}
		}
	}
	return NULL;
}

static int server_start(struct server *s, size_t body)
{
	const char *what = "socket";
	char head[128];
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			  "\r\n",
			  body);
	s->response_len = (size_t)hl + body;
	s->response = malloc(s->response_len);
	if (!s->response) {
		errno = ENOMEM;
		what = "malloc";
		goto fail;
	}
	memcpy(s->response, head, (size_t)hl);
	for (size_t i = 0; i < body; i++) {
		s->response[(size_t)hl + i] = (char)('a' + i % 26);
	}

	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0) {
		goto fail;
	}
	s->addr =
	    (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(s->addr);
	what = "bind/listen on 127.0.0.1";
	if (bind(s->listen_fd, (struct sockaddr *)&s->addr, len) != 0 ||
	    listen(s->listen_fd, 4096) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&s->addr, &len) != 0) {
		goto fail;
	}
	what = "epoll";
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (s->epfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->listen_fd, &ev) != 0) {
		goto fail;
	}
	pthread_t tid;
	int e = sc_thread_start(&tid, server_main, s, true);
	if (e != 0) {
		errno = e;
		what = "server thread";
		goto fail;
	}
	return 0;
fail:
	sc_note(&desc, "cannot start the loopback server: %s: %s", what, strerror(errno));
	return -1;
}

/* ---- client ---- */

/* Find Content-Length in a response header; -1 if absent or malformed. */
static long long content_length(const char *head, size_t len)
{
	static const char key[] = "\r\nContent-Length:";
	const char *p = memmem(head, len, key, sizeof(key) - 1);
	if (!p) {
		return -1;
	}
	char *end;
	long long v = strtoll(p + sizeof(key) - 1, &end, 10);
	return end != p + sizeof(key) - 1 && (*end == '\r' || *end == ' ') ? v : -1;
}

/*
 * One request. Returns 0 and, in *buf and *fd, the response buffer and the connection
 * (for the caller to release, or not); -1 with errno on failure.
 */
static int http_get(const struct sockaddr_in *addr, size_t body, char **buf_out, int *fd_out)
{
	static const char req[] =
	    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	/* A server that could not accept would leave us waiting forever otherwise. */
	struct timeval tv = {.tv_sec = 2};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	size_t cap = body + 1024, got = 0, head_len = 0;
	long long clen = -1;
	char *buf = malloc(cap);
	if (!buf) {
		errno = ENOMEM;
		goto fail;
	}
	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) != 0 ||
	    send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1)) {
		goto fail;
	}
	for (;;) {
		if (got == cap) {
			errno = EMSGSIZE;
			goto fail;
		}
		ssize_t n = recv(fd, buf + got, cap - got, 0);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			if (n == 0) {
				errno = ECONNRESET;
			}
			goto fail;
		}
		got += (size_t)n;
		if (head_len == 0) {
			char *end = memmem(buf, got, "\r\n\r\n", 4);
			if (end) {
				head_len = (size_t)(end - buf) + 4;
				clen = content_length(buf, head_len);
				if (clen < 0) {
					errno = EPROTO;
					goto fail;
				}
			}
		}
		if (head_len && got >= head_len + (size_t)clen) {
			break;
		}
	}
	*buf_out = buf;
	*fd_out = fd;
	return 0;
fail:;
	int e = errno;
	free(buf);
	close(fd);
	errno = e;
	return -1;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	static struct server srv;
	if (server_start(&srv, o.size) != 0) {
		return SC_EXIT_FAILURE;
	}

	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long requests = 0;
	while (sc_pacer_next(&pacer)) {
		char *buf;
		int fd;
		if (http_get(&srv.addr, o.size, &buf, &fd) != 0) {
			int e = errno;
			int ae = atomic_load(&srv.accept_errno);
			if ((e == EAGAIN || e == EWOULDBLOCK) && ae != 0) {
				printf("Error at request %lld: no answer, the server could not "
				       "accept: %s\n",
				       requests, strerror(ae));
				e = ae;
			} else {
				printf("Error at request %lld: %s\n", requests, strerror(e));
			}
			fflush(stdout);
			return e == EMFILE || e == ENFILE || e == ENOMEM || e == ENOBUFS
				   ? SC_EXIT_EXHAUSTED
				   : SC_EXIT_FAILURE;
		}
		requests++;
		if (o.fixed) {
			free(buf);
			close(fd);
		}
		/* Leaky: buf and fd go out of scope here, never freed nor closed. */
	}
	printf("%lld requests of %zu bytes, %s\n", requests, o.size,
	       o.fixed ? "each response freed and its connection closed"
		       : "no response freed, no connection closed");
	return SC_EXIT_OK;
}
