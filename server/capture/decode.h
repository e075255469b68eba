/*
 * decode.h — one captured packet's link-layer, IP and TCP headers, read from its bytes.
 *
 * Owns: the link types a student's capture comes in (Ethernet with VLAN tags, Linux cooked
 * SLL and SLL2, raw IP, BSD loopback NULL/LOOP), IPv4 and IPv6 (extension headers skipped),
 * the TCP header and its options (MSS, window scale, SACK-permitted, timestamps, Fast Open
 * cookie), and the TCP checksum.
 * Does not: read files (pcap_read.h), reassemble IP fragments (reported as such), or know
 * anything about connections (analyze.h). Protocol decoding only: every length is checked
 * against the bytes captured before it is used.
 */
#ifndef TCPLAB_CAPTURE_DECODE_H
#define TCPLAB_CAPTURE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum decode_result {
    DECODE_TCP = 0,    /* *out holds a TCP segment */
    DECODE_NOT_TCP,    /* another protocol (ARP, UDP, ICMP, ...): skip and count */
    DECODE_FRAGMENT,   /* an IPv4/IPv6 fragment: not reassembled */
    DECODE_TRUNCATED,  /* the headers end before they say they do */
    DECODE_SNAPLEN,    /* the capture's snaplen cut into the IP or TCP header */
    DECODE_MALFORMED,  /* a header field that cannot be (IP total length, TCP data offset) */
    DECODE_UNSUPPORTED /* a link type this reader does not know */
} decode_result;

/* A decoded TCP segment. Addresses are 4 (IPv4, in the first 4 bytes) or 16 bytes. */
typedef struct decode_tcp {
    uint8_t family; /* 4 or 6 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;        /* the TCP flag byte: FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 ... */
    uint16_t window;      /* as on the wire (unscaled) */
    uint32_t payload_len; /* data octets, from the IP length (also when snaplen cut them) */
    bool payload_cut;     /* fewer payload bytes were captured than the segment carries */
    int checksum;         /* 1 correct, 0 wrong, -1 not checkable (payload cut) */
    int mss;              /* MSS option, -1 absent */
    int wscale;           /* window scale shift, -1 absent */
    bool sack_permitted;
    bool has_timestamps;
    uint32_t tsval, tsecr;
    bool fastopen; /* a TCP Fast Open option (kind 34, or 254 with magic 0xF989) */
} decode_tcp;

/* Decodes one packet of link type `linktype` (a DLT_* value): `caplen` bytes captured at
 * `d` of a packet `len` bytes long. On anything but DECODE_TCP, `why` (why_size bytes)
 * says what was found, e.g. "IPv4 header length 4 (at least 20)". */
decode_result decode_packet(int linktype, const uint8_t *d, uint32_t caplen, uint32_t len,
                            decode_tcp *out, char *why, size_t why_size);

/* Formats an address and port as "192.0.2.1:80" or "[2001:db8::1]:80" into buf. */
void decode_endpoint_text(uint8_t family, const uint8_t addr[16], uint16_t port, char *buf,
                          size_t buf_size);

#endif
