/*
 * pcap_write.h — a simulated trace as a capture file Wireshark and tcpdump read.
 *
 * Owns: turning the segments of a sim_trace into real IPv4 or IPv6 + TCP packets (header
 * fields, the MSS option on SYN segments, payload of the segment's length, IP and TCP
 * checksums) and writing them, through libpcap (pcap_open_dead + pcap_dump into a memory
 * stream), as a classic pcap file of link type LINKTYPE_RAW (101: raw IP, so one file holds
 * IPv4 or IPv6 alike).
 *
 * Why classic pcap through libpcap and not pcapng: libpcap writes it (no hand-made file
 * format), every tool since 1998 reads it, and it is what the media type
 * application/vnd.tcpdump.pcap names. Its price: a pcap file has no place for a comment, so
 * what a pcapng comment would say is documented instead (README, static/openapi.json):
 *
 * Where the capture is taken. Every segment appears once, at the moment its sender sent it,
 * as on a capture at the sender's side: a segment the network dropped is in the file (it was
 * sent); a delayed one appears at its send time; the copy a duplicate fault makes is not (it
 * exists only inside the network); an injected segment appears when it reaches its receiver,
 * with the other endpoint's address and port as its source.
 *
 * Packets: timestamps are t_ms after the Unix epoch (1970-01-01 00:00:00.000 UTC), so
 * tcpdump's clock reads the simulated time; IPv4 has TTL 64, DF, an identification counting
 * per sender from 1; IPv6 has hop limit 64 and flow label 0; TCP carries the trace's SEQ,
 * ACK, flags (SYN, ACK, FIN, RST, PSH at their wire bits) and window; a segment with SYN
 * carries the MSS option with its sender's scenario mss; the payload is `len` octets of the
 * letters a–z repeating by stream offset (octet k after the sender's ISS+1 is 'a' + k % 26),
 * so a retransmission carries the same bytes as the original.
 * Addresses: a two-endpoint trace uses the caller's (pcap_write_defaults gives documentation
 * addresses). A listen-queue trace (many connections to one listener) uses its own: each
 * connection's client or injected source address and port, and the trace's server address
 * and port, so each connection is its own four-tuple in the file. Over IPv6 those IPv4
 * addresses become 2001:db8::/96 followed by their 32 bits.
 * Does not: run the engine, read the scenario JSON, or do any I/O beyond memory: the file's
 * bytes are handed to the caller.
 */
#ifndef TCPLAB_CAPTURE_PCAP_WRITE_H
#define TCPLAB_CAPTURE_PCAP_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/sim.h"

/* The largest packet written: an IP datagram of at most 65535 octets (IPv6: a payload of
 * at most 65535 octets after the 40-octet header). The file's snaplen. */
#define PCAP_WRITE_SNAPLEN 65575u
/* Bytes of the pcap file header and of each record header before a packet. */
#define PCAP_WRITE_FILE_HEADER   24u
#define PCAP_WRITE_RECORD_HEADER 16u

/* Default addresses and ports: RFC 5737 / RFC 3849 documentation prefixes, a client port
 * from the dynamic range and a server port no well-known dissector claims. */
#define PCAP_WRITE_CLIENT_PORT 49152
#define PCAP_WRITE_SERVER_PORT 9000

typedef struct pcap_write_endpoint {
    uint8_t addr[16]; /* IPv4: the first 4 octets; IPv6: all 16 (network order) */
    uint16_t port;
} pcap_write_endpoint;

typedef struct pcap_write_opts {
    bool ipv6;
    pcap_write_endpoint ep[SIM_ENDPOINTS]; /* indexed by SIM_CLIENT, SIM_SERVER */
    size_t max_bytes;                      /* the file may not be longer; 0: no limit */
} pcap_write_opts;

/* Fills `o`: IPv4 client 192.0.2.1:49152 and server 198.51.100.1:9000, or with `ipv6`
 * 2001:db8::1 and 2001:db8::2 with the same ports; max_bytes 0. */
void pcap_write_defaults(pcap_write_opts *o, bool ipv6);

typedef enum pcap_write_status {
    PCAP_WRITE_OK = 0,
    PCAP_WRITE_TOO_BIG, /* the file would exceed opts->max_bytes (nothing is returned) */
    PCAP_WRITE_INVALID, /* a step cannot be a packet (message names the step) */
    PCAP_WRITE_NOMEM
} pcap_write_status;

/* The packets the trace gives: one per send step and one per inject step. */
size_t pcap_write_packet_count(const sim_trace *t);

/* The bytes of the file the trace gives (header included), as pcap_write_trace would write
 * it, without writing it. 0 when a step cannot be a packet. */
uint64_t pcap_write_file_size(const sim_trace *t, const pcap_write_opts *o);

/* Builds one IP packet into buf: the segment `seg` sent by endpoint `from` (SIM_CLIENT or
 * SIM_SERVER) to the other one, IP identification `ip_id` (IPv4 only), MSS option value
 * `mss` when seg has SYN, payload pattern starting at stream offset `offset`. Returns the
 * packet's length, or 0 when buf (cap octets) is too small or the segment's data does not
 * fit in one IP datagram (more than 65535 - 44 octets over IPv4, 65535 - 24 over IPv6). */
size_t pcap_write_packet(const pcap_write_opts *o, int from, const tcp_segment *seg, uint32_t mss,
                         uint16_t ip_id, uint32_t offset, uint8_t *buf, size_t cap);

/* As pcap_write_packet, from `src` to `dst` (IPv6 when `ipv6`, else the first 4 octets of
 * each address). */
size_t pcap_write_packet_between(bool ipv6, const pcap_write_endpoint *src,
                                 const pcap_write_endpoint *dst, const tcp_segment *seg,
                                 uint32_t mss, uint16_t ip_id, uint32_t offset, uint8_t *buf,
                                 size_t cap);

/* Writes the capture of `t` (sc: the scenario that produced it, for the MSS option; NULL:
 * 1460 for both) with the addresses and ports of `o` (a listen-queue trace: its own, see
 * above) and the limit of `o`. On PCAP_WRITE_OK *out holds the
 * malloc'ed file (caller frees) and *out_len its length. On failure *out is NULL and, when
 * msg is non-NULL, a one-line reason is written into it (at most msg_size bytes): the step
 * number (1-based, as in the trace) for INVALID, the limit for TOO_BIG. */
pcap_write_status pcap_write_trace(const sim_trace *t, const sim_scenario *sc,
                                   const pcap_write_opts *o, char **out, size_t *out_len, char *msg,
                                   size_t msg_size);

#endif
