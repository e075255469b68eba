/*
 * capture.c — the pipeline and the answer of capture.h.
 *
 * Owns: reading packet after packet (pcap_read), decoding each (decode), handing TCP
 * segments to the observer (analyze), counting the rest, stopping at the first packet that
 * cannot be read with its number in the message, and writing the answer. The JSON extends
 * the trace written by trace_writer (the same bytes the simulations answer) with the
 * capture's own members after "end_ms".
 * Does not: decide anything about TCP (analyze.c) or know about HTTP.
 */
#include "capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenario/scenario_json.h"
#include "../scenario/trace_writer.h"
#include "../util/strbuf.h"
#include "pcap_read.h"

static const char *const error_names[] = {
    "ok",
    "not-a-capture",
    "truncated-file",
    "unsupported-link-type",
    "truncated-packet",
    "malformed-packet",
    "snaplen-cut-headers",
    "ip-fragment",
    "timestamps-backwards",
    "too-many-packets",
    "too-many-connections",
    "no-such-connection",
    "out-of-memory",
};

const char *capture_error_name(capture_error e)
{
    return (unsigned)e < sizeof error_names / sizeof error_names[0] ? error_names[e] : "?";
}

static int fail(capture_result *res, capture_error e, uint64_t packet, const char *fmt,
                const char *detail)
{
    res->error = e;
    res->packet = packet;
    char text[sizeof res->message - 32];
    char short_detail[160];
    size_t dn = detail ? strnlen(detail, sizeof short_detail - 1) : 0;
    if (dn)
        memcpy(short_detail, detail, dn);
    short_detail[dn] = '\0';
    snprintf(text, sizeof text, fmt, short_detail);
    if (packet)
        snprintf(res->message, sizeof res->message, "packet %llu: %s", (unsigned long long)packet,
                 text);
    else
        snprintf(res->message, sizeof res->message, "%s", text);
    analyze_free(res->an);
    res->an = NULL;
    return -1;
}

static int run(pcap_read *r, const capture_options *opt, capture_result *res)
{
    size_t max_packets = opt && opt->max_packets ? opt->max_packets : CAPTURE_MAX_PACKETS;
    size_t max_conns = opt && opt->max_connections ? opt->max_connections : CAPTURE_MAX_CONNECTIONS;
    res->connection = opt && opt->connection ? opt->connection : 1;
    snprintf(res->link_type, sizeof res->link_type, "%s", pcap_read_linktype_name(r));
    int linktype = pcap_read_linktype(r);
    res->an = analyze_new(res->connection, max_conns == SIZE_MAX ? 0 : max_conns);
    if (!res->an)
        return fail(res, CAPTURE_ERR_NOMEM, 0, "out of memory", NULL);
    char err[256];
    char why[160];
    pcap_read_packet pk;
    int64_t last_t = INT64_MIN;
    for (;;) {
        int rc = pcap_read_next(r, &pk, err, sizeof err);
        if (rc == 0)
            break;
        if (rc < 0)
            return fail(res, CAPTURE_ERR_TRUNCATED_FILE, res->packets + 1, "%s", err);
        res->packets = pk.number;
        if (pk.number > max_packets) {
            char lim[64];
            snprintf(lim, sizeof lim, "%zu", max_packets);
            return fail(res, CAPTURE_ERR_TOO_MANY_PACKETS, pk.number,
                        "more than %s packets (the limit of one analysis)", lim);
        }
        if (pk.t_us < last_t)
            return fail(res, CAPTURE_ERR_TIME_BACKWARDS, pk.number,
                        "its timestamp is earlier than the packet before it%s", "");
        last_t = pk.t_us;
        decode_tcp t;
        decode_result d = decode_packet(linktype, pk.data, pk.caplen, pk.len, &t, why, sizeof why);
        switch (d) {
        case DECODE_TCP:
            break;
        case DECODE_NOT_TCP:
            res->non_tcp++;
            continue;
        case DECODE_UNSUPPORTED:
            return fail(res, CAPTURE_ERR_LINKTYPE, pk.number, "%s", why);
        case DECODE_FRAGMENT:
            return fail(res, CAPTURE_ERR_FRAGMENT, pk.number,
                        "%s; IP fragments are not reassembled", why);
        case DECODE_SNAPLEN:
            return fail(res, CAPTURE_ERR_SNAPLEN, pk.number,
                        "%s: the capture's snaplen cut the headers (capture with tcpdump -s 0)",
                        why);
        case DECODE_TRUNCATED:
            return fail(res, CAPTURE_ERR_TRUNCATED_PACKET, pk.number, "truncated: %s", why);
        default:
            return fail(res, CAPTURE_ERR_MALFORMED, pk.number, "malformed: %s", why);
        }
        res->tcp_packets++;
        if (t.checksum == 0 && !res->bad_checksums++)
            res->first_bad_checksum = pk.number;
        if (t.payload_cut)
            res->snaplen_cut++;
        analyze_status st = analyze_packet(res->an, pk.number, pk.t_us, &t);
        if (st == ANALYZE_ERR_TOO_MANY_CONNECTIONS) {
            char lim[64];
            snprintf(lim, sizeof lim, "%zu", max_conns);
            return fail(res, CAPTURE_ERR_TOO_MANY_CONNECTIONS, pk.number,
                        "more than %s TCP connections (the limit of one analysis)", lim);
        }
        if (st != ANALYZE_OK)
            return fail(res, CAPTURE_ERR_NOMEM, pk.number, "out of memory", NULL);
    }
    if (analyze_finish(res->an) != ANALYZE_OK)
        return fail(res, CAPTURE_ERR_NOMEM, 0, "out of memory", NULL);
    size_t n = analyze_connection_count(res->an);
    if (opt && opt->connection && opt->connection > n) {
        char what[96];
        snprintf(what, sizeof what, "there is no connection %u: the capture has %zu",
                 (unsigned)opt->connection, n);
        return fail(res, CAPTURE_ERR_NO_SUCH_CONNECTION, 0, "%s", what);
    }
    return 0;
}

int capture_analyze_memory(const void *buf, size_t len, const capture_options *opt,
                           capture_result *res)
{
    memset(res, 0, sizeof *res);
    char err[256];
    pcap_read *r = pcap_read_open_memory(buf, len, err, sizeof err);
    if (!r)
        return fail(res, CAPTURE_ERR_NOT_CAPTURE, 0, "%s", err);
    int rc = run(r, opt, res);
    pcap_read_close(r);
    return rc;
}

int capture_analyze_file(const char *path, const capture_options *opt, capture_result *res)
{
    memset(res, 0, sizeof *res);
    char err[256];
    pcap_read *r = pcap_read_open_file(path, err, sizeof err);
    if (!r)
        return fail(res, CAPTURE_ERR_NOT_CAPTURE, 0, "%s", err);
    int rc = run(r, opt, res);
    pcap_read_close(r);
    return rc;
}

void capture_result_cleanup(capture_result *res)
{
    if (!res)
        return;
    analyze_free(res->an);
    res->an = NULL;
}

/* ---- the answer ----------------------------------------------------------------------- */

static void put_lit(trace_writer *w, const char *s)
{
    trace_writer_raw(w, s, strlen(s));
}

static void put_member_int(trace_writer *w, const char *name, long long v)
{
    put_lit(w, ",\"");
    put_lit(w, name);
    put_lit(w, "\":");
    trace_writer_int(w, v);
}

static void put_connection(trace_writer *w, const analyze_connection *c)
{
    char ep[64];
    put_lit(w, "{\"id\":");
    trace_writer_int(w, c->id);
    put_lit(w, ",\"client\":");
    decode_endpoint_text(c->family, c->addr[SIM_CLIENT], c->port[SIM_CLIENT], ep, sizeof ep);
    trace_writer_string(w, ep);
    put_lit(w, ",\"server\":");
    decode_endpoint_text(c->family, c->addr[SIM_SERVER], c->port[SIM_SERVER], ep, sizeof ep);
    trace_writer_string(w, ep);
    put_lit(w, c->family == 4 ? ",\"ip\":4" : ",\"ip\":6");
    put_member_int(w, "packets", (long long)c->packets);
    put_member_int(w, "first_packet", (long long)c->first_packet);
    put_member_int(w, "last_packet", (long long)c->last_packet);
    put_member_int(w, "duration_ms", (long long)((c->last_t_us - c->first_t_us) / 1000));
    put_lit(w, c->syn_seen ? ",\"syn_seen\":true" : ",\"syn_seen\":false");
    put_lit(w, c->inferred ? ",\"inferred\":true" : ",\"inferred\":false");
    put_lit(w, ",\"state\":{\"client\":");
    trace_writer_string(w, tcp_state_name(c->state[SIM_CLIENT]));
    put_lit(w, ",\"server\":");
    trace_writer_string(w, tcp_state_name(c->state[SIM_SERVER]));
    put_lit(w, "},\"data_bytes\":{\"client\":");
    trace_writer_int(w, (long long)c->data_bytes[SIM_CLIENT]);
    put_lit(w, ",\"server\":");
    trace_writer_int(w, (long long)c->data_bytes[SIM_SERVER]);
    put_lit(w, "}");
    put_member_int(w, "observations", c->observations);
    put_lit(w, "}");
}

static void put_observation(trace_writer *w, const analyze_observation *o, bool zh)
{
    char text[512];
    put_lit(w, "{\"kind\":");
    trace_writer_string(w, analyze_obs_name(o->kind));
    put_member_int(w, "connection", o->connection);
    put_member_int(w, "packet", (long long)o->packet);
    if (o->step)
        put_member_int(w, "step", (long long)o->step);
    put_lit(w, ",\"endpoint\":");
    trace_writer_string(w, sim_endpoint_name(o->endpoint));
    if (o->kind == ANALYZE_OBS_RETRANSMISSION && o->a_ms >= 0) {
        put_member_int(w, "interval_ms", o->a_ms);
        put_member_int(w, "previous_packet", (long long)o->ref_packet);
    }
    if (o->kind == ANALYZE_OBS_SYN_LINEAR) {
        put_lit(w, ",\"intervals_ms\":[");
        trace_writer_int(w, o->a_ms);
        put_lit(w, ",");
        trace_writer_int(w, o->b_ms);
        put_lit(w, "]");
    }
    analyze_obs_text(o, false, text, sizeof text);
    put_lit(w, ",\"text\":");
    trace_writer_string(w, text);
    if (zh) {
        analyze_obs_text(o, true, text, sizeof text);
        put_lit(w, ",\"text_zh\":");
        trace_writer_string(w, text);
    }
    put_lit(w, "}");
}

char *capture_json(const capture_result *res, bool zh, size_t *len)
{
    if (!res->an)
        return NULL;
    const analyze *an = res->an;
    const sim_trace *t = analyze_trace(an);
    trace_writer w;
    trace_writer_init(&w);
    trace_writer_trace_opts(&w, t, NULL, zh);
    if (w.failed || w.len == 0 || w.buf[w.len - 1] != '}') {
        trace_writer_cleanup(&w);
        return NULL;
    }
    w.len--; /* reopen the trace object: the capture's members follow "end_ms" */
    put_lit(&w, ",\"packets\":[");
    const uint64_t *pk = analyze_step_packets(an);
    for (size_t i = 0; i < t->count; i++) {
        if (i)
            put_lit(&w, ",");
        trace_writer_int(&w, (long long)pk[i]);
    }
    put_lit(&w, "]");
    size_t nc = analyze_connection_count(an);
    put_member_int(&w, "connection", nc ? res->connection : 0);
    put_lit(&w, ",\"connections\":[");
    for (size_t i = 0; i < nc; i++) {
        if (i)
            put_lit(&w, ",");
        put_connection(&w, analyze_connection_at(an, i));
    }
    put_lit(&w, "],\"observations\":[");
    for (size_t i = 0; i < analyze_observation_count(an); i++) {
        if (i)
            put_lit(&w, ",");
        put_observation(&w, analyze_observation_at(an, i), zh);
    }
    put_lit(&w, "]");
    put_member_int(&w, "observations_dropped", (long long)analyze_observations_dropped(an));
    put_lit(&w, ",\"capture\":{\"link_type\":");
    trace_writer_string(&w, res->link_type);
    put_member_int(&w, "packets", (long long)res->packets);
    put_member_int(&w, "tcp_packets", (long long)res->tcp_packets);
    put_member_int(&w, "non_tcp_skipped", (long long)res->non_tcp);
    put_member_int(&w, "bad_checksums", (long long)res->bad_checksums);
    if (res->bad_checksums)
        put_member_int(&w, "first_bad_checksum_packet", (long long)res->first_bad_checksum);
    put_member_int(&w, "snaplen_cut", (long long)res->snaplen_cut);
    put_lit(&w, "}}");
    return trace_writer_finish(&w, len);
}

char *capture_text(const capture_result *res)
{
    if (!res->an)
        return NULL;
    const analyze *an = res->an;
    strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b, "capture: %llu packets (%s), %llu TCP, %llu other skipped",
                  (unsigned long long)res->packets, res->link_type,
                  (unsigned long long)res->tcp_packets, (unsigned long long)res->non_tcp);
    if (res->bad_checksums)
        strbuf_printf(&b,
                      ", %llu with a wrong TCP checksum (first: packet %llu; often checksum "
                      "offload on the capturing host)",
                      (unsigned long long)res->bad_checksums,
                      (unsigned long long)res->first_bad_checksum);
    strbuf_printf(&b, "\n");
    for (size_t i = 0; i < analyze_connection_count(an); i++) {
        const analyze_connection *c = analyze_connection_at(an, i);
        char cl[64], sv[64];
        decode_endpoint_text(c->family, c->addr[SIM_CLIENT], c->port[SIM_CLIENT], cl, sizeof cl);
        decode_endpoint_text(c->family, c->addr[SIM_SERVER], c->port[SIM_SERVER], sv, sizeof sv);
        strbuf_printf(&b, "%s connection %u: client %s, server %s, %llu packets, ends %s / %s%s\n",
                      c->id == res->connection ? "*" : " ", (unsigned)c->id, cl, sv,
                      (unsigned long long)c->packets, tcp_state_name(c->state[SIM_CLIENT]),
                      tcp_state_name(c->state[SIM_SERVER]),
                      c->inferred ? " (opened before the capture: inferred)" : "");
    }
    const sim_trace *t = analyze_trace(an);
    if (t->count) {
        strbuf_printf(&b, "\nconnection %u, step by step:\n", (unsigned)res->connection);
        char *ladder = trace_to_text(t);
        if (ladder)
            strbuf_printf(&b, "%s", ladder);
        free(ladder);
    }
    if (analyze_observation_count(an)) {
        strbuf_printf(&b, "\nobservations:\n");
        char text[512];
        for (size_t i = 0; i < analyze_observation_count(an); i++) {
            const analyze_observation *o = analyze_observation_at(an, i);
            analyze_obs_text(o, false, text, sizeof text);
            strbuf_printf(&b, "  connection %u, packet %llu", (unsigned)o->connection,
                          (unsigned long long)o->packet);
            if (o->step)
                strbuf_printf(&b, ", step %zu", o->step);
            strbuf_printf(&b, " [%s]: %s\n", analyze_obs_name(o->kind), text);
        }
    }
    return strbuf_take(&b);
}
