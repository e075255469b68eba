/*
 * decode.c — link layer → IP → TCP, as declared in decode.h.
 *
 * Owns: the byte offsets of each header (Ethernet II with 802.1Q/802.1ad tags, Linux SLL
 * (16 bytes, protocol at 14) and SLL2 (20 bytes, protocol at 0), NULL/LOOP (a 4-byte address
 * family, host or network order), raw IPv4/IPv6), the IPv6 extension-header walk, the TCP
 * option walk and the one's-complement checksum over the pseudo-header.
 * Does not: keep state between packets or allocate.
 */
#include "decode.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>

#define ETH_IPV4     0x0800
#define ETH_IPV6     0x86DD
#define ETH_VLAN     0x8100
#define ETH_QINQ     0x88A8
#define ETH_QINQ_OLD 0x9100

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

static inline uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t n, const char *fmt, ...)
{
    if (!why || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

/* The IP version carried: 4, 6 or 0 (not IP). */
static int ethertype_version(uint16_t et)
{
    return et == ETH_IPV4 ? 4 : et == ETH_IPV6 ? 6 : 0;
}

/* The offset of the IP header and its version (0: not IP), or -1 when the link header is
 * cut. */
static long link_offset(int linktype, const uint8_t *d, uint32_t caplen, int *version, char *why,
                        size_t wn)
{
    *version = 0;
    switch (linktype) {
    case DLT_EN10MB: {
        if (caplen < 14) {
            say(why, wn, "Ethernet header cut at %u bytes (needs 14)", caplen);
            return -1;
        }
        uint32_t off = 12;
        uint16_t et = be16(d + off);
        int tags = 0;
        while ((et == ETH_VLAN || et == ETH_QINQ || et == ETH_QINQ_OLD) && tags < 4) {
            off += 4;
            if (caplen < off + 2) {
                say(why, wn, "VLAN tag cut at %u bytes (needs %u)", caplen, off + 2);
                return -1;
            }
            et = be16(d + off);
            tags++;
        }
        *version = ethertype_version(et);
        return (long)off + 2;
    }
    case DLT_LINUX_SLL:
        if (caplen < 16) {
            say(why, wn, "Linux cooked (SLL) header cut at %u bytes (needs 16)", caplen);
            return -1;
        }
        *version = ethertype_version(be16(d + 14));
        return 16;
    case DLT_LINUX_SLL2:
        if (caplen < 20) {
            say(why, wn, "Linux cooked (SLL2) header cut at %u bytes (needs 20)", caplen);
            return -1;
        }
        *version = ethertype_version(be16(d));
        return 20;
    case DLT_NULL:
    case DLT_LOOP: {
        if (caplen < 4) {
            say(why, wn, "loopback header cut at %u bytes (needs 4)", caplen);
            return -1;
        }
        uint32_t fam_be = be32(d);
        uint32_t fam_le = (uint32_t)d[0] | ((uint32_t)d[1] << 8) | ((uint32_t)d[2] << 16) |
                          ((uint32_t)d[3] << 24);
        uint32_t fam = linktype == DLT_LOOP ? fam_be : (fam_le < 256 ? fam_le : fam_be);
        /* AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24, 28 or 30 (the BSDs, macOS) */
        if (fam == 2)
            *version = 4;
        else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
            *version = 6;
        return 4;
    }
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
#ifdef DLT_RAW_ALT
    case DLT_RAW_ALT:
#endif
        if (caplen < 1) {
            say(why, wn, "empty packet");
            return -1;
        }
        *version = d[0] >> 4;
        if (*version != 4 && *version != 6)
            *version = 0;
        return 0;
    default:
        say(why, wn, "link type %u is not supported (Ethernet, Linux cooked, raw IP or loopback)",
            (unsigned)linktype);
        return -2;
    }
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += be16(p + i);
    if (n & 1)
        acc += (uint32_t)p[n - 1] << 8;
    return acc;
}

static bool checksum_ok(const decode_tcp *t, const uint8_t *tcp, uint32_t tcp_len)
{
    uint32_t acc = 0;
    size_t alen = t->family == 4 ? 4 : 16;
    acc = sum16(t->src, alen, acc);
    acc = sum16(t->dst, alen, acc);
    acc += 6;
    acc += tcp_len & 0xFFFF;
    acc += tcp_len >> 16;
    acc = sum16(tcp, tcp_len, acc);
    while (acc >> 16)
        acc = (acc & 0xFFFF) + (acc >> 16);
    return acc == 0xFFFF;
}

static void parse_options(const uint8_t *o, uint32_t n, decode_tcp *t)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t kind = o[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= n)
            break;
        uint8_t l = o[i + 1];
        if (l < 2 || i + l > n)
            break; /* a bad option length ends the walk; the segment itself is still used */
        const uint8_t *v = o + i + 2;
        switch (kind) {
        case 2:
            if (l == 4)
                t->mss = be16(v);
            break;
        case 3:
            if (l == 3)
                t->wscale = v[0] > 14 ? 14 : v[0]; /* RFC 7323 §2.3: larger shifts mean 14 */
            break;
        case 4:
            t->sack_permitted = true;
            break;
        case 8:
            if (l == 10) {
                t->has_timestamps = true;
                t->tsval = be32(v);
                t->tsecr = be32(v + 4);
            }
            break;
        case 34:
            t->fastopen = true;
            break;
        case 254:
            if (l >= 4 && be16(v) == 0xF989)
                t->fastopen = true;
            break;
        default:
            break;
        }
        i += l;
    }
}

decode_result decode_packet(int linktype, const uint8_t *d, uint32_t caplen, uint32_t len,
                            decode_tcp *out, char *why, size_t wn)
{
    memset(out, 0, sizeof *out);
    out->mss = -1;
    out->wscale = -1;
    out->checksum = -1;
    if (why && wn)
        why[0] = '\0';
    if (caplen > len)
        len = caplen;
    bool cut = caplen < len;
    int version;
    long off = link_offset(linktype, d, caplen, &version, why, wn);
    if (off == -2)
        return DECODE_UNSUPPORTED;
    if (off < 0)
        return cut ? DECODE_SNAPLEN : DECODE_TRUNCATED;
    if (version == 0) {
        say(why, wn, "not IP");
        return DECODE_NOT_TCP;
    }
    const uint8_t *ip = d + off;
    uint32_t avail = caplen - (uint32_t)off; /* captured bytes from the IP header on */
    uint32_t wire = len - (uint32_t)off;     /* bytes on the wire from there */
    uint32_t ip_total, ip_hlen, proto;
    if (version == 4) {
        if (avail < 20) {
            say(why, wn, "IPv4 header cut at %u bytes (needs 20)", avail);
            return cut ? DECODE_SNAPLEN : DECODE_TRUNCATED;
        }
        ip_hlen = (uint32_t)(ip[0] & 0x0F) * 4;
        if (ip_hlen < 20) {
            say(why, wn, "IPv4 header length %u (at least 20)", ip_hlen);
            return DECODE_MALFORMED;
        }
        ip_total = be16(ip + 2);
        if (ip_total < ip_hlen) {
            say(why, wn, "IPv4 total length %u is less than its header length %u", ip_total,
                ip_hlen);
            return DECODE_MALFORMED;
        }
        if (ip_total > wire) {
            say(why, wn, "IPv4 total length %u but the packet has %u bytes", ip_total, wire);
            return DECODE_TRUNCATED;
        }
        uint16_t frag = be16(ip + 6);
        proto = ip[9];
        if ((frag & 0x2000) || (frag & 0x1FFF)) {
            if (proto != 6) {
                say(why, wn, "not TCP");
                return DECODE_NOT_TCP;
            }
            if (why && wn)
                snprintf(why, wn, "an IPv4 fragment (offset %u bytes, %s)",
                         (unsigned)(frag & 0x1FFF) * 8,
                         (frag & 0x2000) ? "more follow" : "the last one");
            return DECODE_FRAGMENT;
        }
        if (avail < ip_hlen) {
            say(why, wn, "IPv4 header cut at %u bytes (needs %u)", avail, ip_hlen);
            return cut ? DECODE_SNAPLEN : DECODE_TRUNCATED;
        }
        out->family = 4;
        memcpy(out->src, ip + 12, 4);
        memcpy(out->dst, ip + 16, 4);
    } else {
        if (avail < 40) {
            say(why, wn, "IPv6 header cut at %u bytes (needs 40)", avail);
            return cut ? DECODE_SNAPLEN : DECODE_TRUNCATED;
        }
        uint32_t plen = be16(ip + 4);
        if (plen == 0) {
            say(why, wn, "IPv6 payload length 0 (a jumbogram or nothing): not TCP");
            return DECODE_NOT_TCP;
        }
        ip_total = 40 + plen;
        if (ip_total > wire) {
            say(why, wn, "IPv6 payload length %u but the packet has %u bytes after the header",
                plen, wire - 40);
            return DECODE_TRUNCATED;
        }
        out->family = 6;
        memcpy(out->src, ip + 8, 16);
        memcpy(out->dst, ip + 24, 16);
        proto = ip[6];
        ip_hlen = 40;
        for (int hops = 0; hops < 8; hops++) {
            if (proto == 44) {
                say(why, wn, "an IPv6 fragment");
                return DECODE_FRAGMENT;
            }
            if (proto != 0 && proto != 43 && proto != 60 && proto != 51)
                break;
            if (avail < ip_hlen + 8) {
                say(why, wn, "IPv6 extension header cut at %u bytes (needs %u)", avail,
                    ip_hlen + 8);
                return cut ? DECODE_SNAPLEN : DECODE_TRUNCATED;
            }
            uint32_t ext = proto == 51 ? ((uint32_t)ip[ip_hlen + 1] + 2) * 4
                                       : ((uint32_t)ip[ip_hlen + 1] + 1) * 8;
            proto = ip[ip_hlen];
            ip_hlen += ext;
            if (ip_hlen > ip_total) {
                say(why, wn, "IPv6 extension headers (%u bytes) overrun the packet (%u)", ip_hlen,
                    ip_total);
                return DECODE_MALFORMED;
            }
        }
    }
    if (proto != 6) {
        say(why, wn, "IP protocol %u, not TCP", proto);
        return DECODE_NOT_TCP;
    }
    uint32_t seg_len = ip_total - ip_hlen;
    const uint8_t *tcp = ip + ip_hlen;
    uint32_t tcp_avail = avail > ip_hlen ? avail - ip_hlen : 0;
    if (seg_len < 20) {
        say(why, wn, "TCP header of %u bytes (needs 20)", seg_len);
        return DECODE_MALFORMED;
    }
    if (tcp_avail < 20) {
        say(why, wn, "TCP header cut at %u bytes (needs 20)", tcp_avail);
        return cut ? DECODE_SNAPLEN : DECODE_TRUNCATED;
    }
    uint32_t doff = (uint32_t)(tcp[12] >> 4) * 4;
    if (doff < 20 || doff > seg_len) {
        say(why, wn, "TCP data offset %u bytes (between 20 and the segment's %u)", doff, seg_len);
        return DECODE_MALFORMED;
    }
    if (tcp_avail < doff) {
        say(why, wn, "TCP options cut at %u bytes (the header has %u)", tcp_avail, doff);
        return cut ? DECODE_SNAPLEN : DECODE_TRUNCATED;
    }
    out->sport = be16(tcp);
    out->dport = be16(tcp + 2);
    out->seq = be32(tcp + 4);
    out->ack = be32(tcp + 8);
    out->flags = tcp[13];
    out->window = be16(tcp + 14);
    out->payload_len = seg_len - doff;
    parse_options(tcp + 20, doff - 20, out);
    if (tcp_avail >= seg_len) {
        out->checksum = checksum_ok(out, tcp, seg_len) ? 1 : 0;
    } else {
        out->payload_cut = true;
    }
    return DECODE_TCP;
}

void decode_endpoint_text(uint8_t family, const uint8_t addr[16], uint16_t port, char *buf,
                          size_t n)
{
    char a[INET6_ADDRSTRLEN] = "?";
    inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, a, sizeof a);
    if (family == 4)
        snprintf(buf, n, "%s:%u", a, (unsigned)port);
    else
        snprintf(buf, n, "[%s]:%u", a, (unsigned)port);
}
