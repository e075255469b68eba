/*
 * early_reject.h — answering a malformed first request on a connection with one
 * problem+json before libmicrohttpd parses it (RFC 9112 §3: a request line that is not
 * `method SP request-target SP HTTP/d.d CRLF` gets a 400; §6.3: an invalid Content-Length
 * is unrecoverable, 400). For the server (server.c); not for handlers.
 *
 * libmicrohttpd 0.9.75 answers these itself, badly, before any application callback runs:
 * a line that starts with NUL is skipped like an empty line (no answer until the head
 * deadline), a bare `GET` is closed without an answer, a malformed or overflowing
 * Content-Length gets its HTML 400/413 with the status line and headers written twice, and
 * none of its pages carry nosniff or a CSP. So the server looks first: when a connection is
 * accepted it peeks (MSG_PEEK, nothing consumed) at the bytes already received and checks
 * them here; only a malformed request is answered and the connection shut down.
 *
 * Limits, by design:
 *   - only the FIRST request of a connection is checked (later requests on a kept-alive
 *     connection, and pipelined ones, go to the library as before);
 *   - only the bytes already there when the connection is accepted (at most
 *     EARLY_PEEK_BYTES); the listening socket uses TCP_DEFER_ACCEPT, so a connection is
 *     normally accepted once its first segment has arrived, and otherwise the server waits
 *     at most a few milliseconds. What is incomplete in them is not judged: a request
 *     line still arriving passes when what came so far can begin a valid one;
 *   - obs-fold header lines and anything after the head are the library's.
 *
 * Owns: the check (pure, early_check) and writing the answer to the socket (early_reject).
 * Does not: know MHD, log or count (the caller does, with the verdict).
 */
#ifndef TCPLAB_EARLY_REJECT_H
#define TCPLAB_EARLY_REJECT_H

#include <stdbool.h>
#include <stddef.h>

/* The most bytes looked at. */
#define EARLY_PEEK_BYTES 8192

typedef struct early_verdict {
    int status;         /* 0: nothing wrong in what was seen; else 400, 413 or 505 */
    char detail[160];   /* what is wrong, for the problem's detail (status != 0) */
    const char *method; /* the first field of the request line as received (any bytes; not
                         * NUL-terminated; into the checked buffer), for the access log */
    size_t method_len;
    const char *target; /* the second field, likewise (length 0: none) */
    size_t target_len;
} early_verdict;

/* Checks the first `n` bytes received on a connection (`buf` need not be NUL-terminated;
 * NUL bytes are data). Fills *v; v->status stays 0 when they are a valid beginning of a
 * request, complete or not. Empty lines before the request line are skipped (RFC 9112
 * §2.2). Checked: the request line's shape (method a token, one SP, a target with no
 * space or control byte, one SP, "HTTP/" digit "." digit, CRLF or LF; a major version
 * other than 1 is 505), every complete header line up to the end of the head (a token
 * name directly followed by ':'), and each Content-Length value (digits only, OWS
 * around; one that does not fit in 64 bits is 413). */
void early_check(const char *buf, size_t n, early_verdict *v);

/* Peeks at what connection socket `fd` (non-blocking) has received, waiting up to
 * `wait_ms` when nothing has arrived yet, and checks it (early_check, into `buf` of `size`
 * bytes, which v->method and v->target then point into). When it is malformed, writes one
 * answer: status line, the headers of every answer (response.h), Content-Type
 * application/problem+json, Connection: close, and a problem body with `detail`; then
 * reads and drops what was received (so closing sends no RST over the answer) and shuts
 * the socket down both ways, so the library sees an end of file and closes the
 * connection. Returns true when it answered (then *body_len is the bytes of the problem
 * body), false when the connection is left alone. */
bool early_reject(int fd, unsigned wait_ms, char *buf, size_t size, early_verdict *v,
                  size_t *body_len);

#endif
