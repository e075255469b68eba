/*
 * pcap_read.h — packets out of a capture file (pcap or pcapng), through libpcap.
 *
 * Owns: opening a capture held in memory (fmemopen + pcap_fopen_offline) or named by a path
 * ("-": standard input), handing out its packets one at a time with their 1-based number,
 * timestamp and lengths, and turning libpcap's failures into one-line messages.
 * Does not: parse the file format itself (libpcap does, pcap and pcapng alike), look inside a
 * packet (decode.h), or keep more than the packet being read.
 */
#ifndef TCPLAB_CAPTURE_PCAP_READ_H
#define TCPLAB_CAPTURE_PCAP_READ_H

#include <stddef.h>
#include <stdint.h>

typedef struct pcap_read pcap_read;

/* One packet; `data` stays valid until the next pcap_read_next or pcap_read_close. */
typedef struct pcap_read_packet {
    uint64_t number;     /* 1-based, in file order */
    int64_t t_us;        /* capture time, microseconds since the epoch */
    const uint8_t *data; /* the captured bytes */
    uint32_t caplen;     /* bytes captured (data holds this many) */
    uint32_t len;        /* bytes on the wire (more than caplen when the snaplen cut it) */
} pcap_read_packet;

/* Opens a capture of `len` bytes at `buf` (not copied: it must outlive the reader). NULL on
 * failure, with a message in err (err_size bytes, NUL-terminated) such as "not a pcap or
 * pcapng file". */
pcap_read *pcap_read_open_memory(const void *buf, size_t len, char *err, size_t err_size);

/* The same for a file; "-" reads standard input. */
pcap_read *pcap_read_open_file(const char *path, char *err, size_t err_size);

/* The capture's link-layer type (a DLT_* value of <pcap/dlt.h>) and its libpcap name
 * ("EN10MB", "LINUX_SLL", ...; "?" if libpcap has none). */
int pcap_read_linktype(const pcap_read *r);
const char *pcap_read_linktype_name(const pcap_read *r);

/* The next packet: 1 and *out filled; 0 at the end of the file; -1 when the file is broken
 * (e.g. it ends inside a packet), with the message in err. */
int pcap_read_next(pcap_read *r, pcap_read_packet *out, char *err, size_t err_size);

/* Closes the reader (and the memory stream or file); NULL is a no-op. */
void pcap_read_close(pcap_read *r);

#endif
