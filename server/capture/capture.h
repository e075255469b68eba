/*
 * capture.h — a capture file analysed end to end: libpcap reader → decoder → observer → JSON.
 *
 * Owns: the loop over the packets (one in memory at a time), the limits (packets,
 * connections), the counters of what was skipped or doubtful (non-TCP packets, bad
 * checksums, payloads cut by the snaplen), the errors that stop an analysis, each with the
 * packet it concerns, and the answer: the trace JSON the player draws (docs/scenario.md)
 * plus "packets", "connection", "connections", "observations" and "capture", or the text
 * ladder of `tcplab simulate --format text` with the connections and observations.
 * Does not: speak HTTP or touch files other than the one it is given; the decisions are
 * analyze.h's.
 */
#ifndef TCPLAB_CAPTURE_CAPTURE_H
#define TCPLAB_CAPTURE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

#define CAPTURE_MAX_PACKETS     100000u
#define CAPTURE_MAX_CONNECTIONS 1000u
#define CAPTURE_MAX_BYTES       (10u * 1024u * 1024u) /* the API's body limit */

typedef enum capture_error {
    CAPTURE_OK = 0,
    CAPTURE_ERR_NOT_CAPTURE,          /* neither pcap nor pcapng */
    CAPTURE_ERR_TRUNCATED_FILE,       /* the file ends inside a packet record */
    CAPTURE_ERR_LINKTYPE,             /* a link type the decoder does not know */
    CAPTURE_ERR_TRUNCATED_PACKET,     /* a packet shorter than its headers say */
    CAPTURE_ERR_MALFORMED,            /* a header field that cannot be */
    CAPTURE_ERR_SNAPLEN,              /* the snaplen cut into the IP/TCP headers */
    CAPTURE_ERR_FRAGMENT,             /* an IP fragment */
    CAPTURE_ERR_TIME_BACKWARDS,       /* a timestamp earlier than the packet before */
    CAPTURE_ERR_TOO_MANY_PACKETS,     /* more than max_packets */
    CAPTURE_ERR_TOO_MANY_CONNECTIONS, /* more than max_connections */
    CAPTURE_ERR_NO_SUCH_CONNECTION,   /* options.connection is past the last one */
    CAPTURE_ERR_NOMEM
} capture_error;

/* A short stable name for the problem type: "not-a-capture", "truncated-file", ... */
const char *capture_error_name(capture_error e);

typedef struct capture_options {
    uint32_t connection;    /* whose trace to keep, 1-based (0: the first) */
    size_t max_packets;     /* 0: CAPTURE_MAX_PACKETS; SIZE_MAX: no limit */
    size_t max_connections; /* 0: CAPTURE_MAX_CONNECTIONS; SIZE_MAX: no limit */
} capture_options;

typedef struct capture_result {
    capture_error error;
    uint64_t packet;   /* the packet the error concerns (1-based; 0: the file itself) */
    char message[256]; /* the error in one line, naming the packet */
    analyze *an;       /* on success; freed by capture_result_cleanup */
    uint32_t connection;
    char link_type[32];
    uint64_t packets, tcp_packets, non_tcp, bad_checksums, first_bad_checksum, snaplen_cut;
} capture_result;

/* Analyses the capture in buf[0..len) / in the file at path ("-": standard input). Returns
 * 0, or -1 with res->error, res->packet and res->message set. Always call
 * capture_result_cleanup afterwards. */
int capture_analyze_memory(const void *buf, size_t len, const capture_options *opt,
                           capture_result *res);
int capture_analyze_file(const char *path, const capture_options *opt, capture_result *res);
void capture_result_cleanup(capture_result *res);

/* The answer as compact JSON (with `zh`: "rule_zh" on the steps and "text_zh" on the
 * observations). Caller frees; NULL when out of memory. */
char *capture_json(const capture_result *res, bool zh, size_t *len);

/* The text form: the connections, the selected connection's ladder, the observations. */
char *capture_text(const capture_result *res);

#endif
