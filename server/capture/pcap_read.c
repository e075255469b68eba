/*
 * pcap_read.c — the libpcap reader behind pcap_read.h.
 *
 * Owns: the pcap_t of one capture, its packet counter, and the copy of libpcap's error text.
 * A capture in memory is read through fmemopen, so libpcap sees an ordinary FILE and
 * recognises pcap (both byte orders, micro- and nanosecond) and pcapng by itself.
 * Does not: interpret a single byte of the file or of a packet.
 */
#include "pcap_read.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pcap_read {
    pcap_t *p;
    uint64_t count;
};

/* libpcap's text after the file name it sometimes prefixes, cut to err_size. */
static void set_err(char *err, size_t err_size, const char *what, const char *detail)
{
    if (!err || !err_size)
        return;
    snprintf(err, err_size, "%s%s%s", what, detail && detail[0] ? ": " : "", detail ? detail : "");
}

/* libpcap's message for a file it does not recognise, in the reader's words. */
static const char *open_message(const char *pcap_err)
{
    if (strstr(pcap_err, "unknown file format") || strstr(pcap_err, "truncated dump file") ||
        strstr(pcap_err, "File too short") || strstr(pcap_err, "too short"))
        return "not a pcap or pcapng file";
    return NULL;
}

static pcap_read *wrap(pcap_t *p, char *err, size_t err_size)
{
    pcap_read *r = calloc(1, sizeof *r);
    if (!r) {
        pcap_close(p);
        set_err(err, err_size, "out of memory", NULL);
        return NULL;
    }
    r->p = p;
    return r;
}

pcap_read *pcap_read_open_memory(const void *buf, size_t len, char *err, size_t err_size)
{
    if (len == 0) {
        set_err(err, err_size, "not a pcap or pcapng file", "the body is empty");
        return NULL;
    }
    FILE *f = fmemopen((void *)buf, len, "rb");
    if (!f) {
        set_err(err, err_size, "cannot open the capture in memory", NULL);
        return NULL;
    }
    char perr[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, perr);
    if (!p) {
        fclose(f); /* on failure libpcap leaves the FILE to the caller */
        const char *m = open_message(perr);
        set_err(err, err_size, m ? m : "not a readable capture", m ? NULL : perr);
        return NULL;
    }
    return wrap(p, err, err_size);
}

pcap_read *pcap_read_open_file(const char *path, char *err, size_t err_size)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, perr);
    if (!p) {
        const char *m = open_message(perr);
        set_err(err, err_size, m ? m : "cannot read the capture", m ? NULL : perr);
        return NULL;
    }
    return wrap(p, err, err_size);
}

int pcap_read_linktype(const pcap_read *r)
{
    return pcap_datalink(r->p);
}

const char *pcap_read_linktype_name(const pcap_read *r)
{
    const char *n = pcap_datalink_val_to_name(pcap_datalink(r->p));
    return n ? n : "?";
}

int pcap_read_next(pcap_read *r, pcap_read_packet *out, char *err, size_t err_size)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    int rc = pcap_next_ex(r->p, &h, &d);
    if (rc == PCAP_ERROR_BREAK)
        return 0;
    if (rc != 1) {
        const char *m = pcap_geterr(r->p);
        if (m && strstr(m, "truncated"))
            set_err(err, err_size, "the file ends inside this packet (truncated capture)", NULL);
        else
            set_err(err, err_size, "unreadable packet record", m);
        return -1;
    }
    r->count++;
    out->number = r->count;
    out->t_us = (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
    out->data = d;
    out->caplen = h->caplen;
    out->len = h->len;
    return 1;
}

void pcap_read_close(pcap_read *r)
{
    if (!r)
        return;
    pcap_close(r->p);
    free(r);
}
