/*
 * scenario_json.c — the scenario and trace JSON contract (docs/scenario.md), via jansson.
 *
 * Owns: validating scenario JSON into a sim_scenario (every problem reported with its
 * RFC 6901 pointer), writing a scenario back as JSON, writing a sim_trace as trace JSON,
 * and the text "ladder" rendering of a trace.
 * Does not: run the engine, read files or sockets, or know about HTTP.
 * Field names: this file is the reference spelling of the contract. The fast writer in
 * trace_writer.c (what the API sends) spells the trace's members a second time for speed;
 * tests/unit/test_trace_writer.c compares the two byte for byte over every built-in, so a
 * name changed here and not there fails the build's tests.
 *
 * Parsing decisions (documented contract):
 *  - json_loadb with JSON_REJECT_DUPLICATES: a member given twice is malformed JSON
 *    (reported with line and column), so "which one wins" never arises.
 *  - jansson rejects invalid UTF-8, NUL escapes and nesting deeper than
 *    JSON_PARSER_MAX_DEPTH (2048): all become one "malformed" error with line/column.
 *  - An integer literal too big for jansson (beyond 2^63-1) is re-read with
 *    JSON_DECODE_INT_AS_REAL so the problem is reported at its JSON pointer as
 *    "out of range" rather than as a syntax error.
 *  - Integers must be written as integers: 1.5 and 2.0 are both "must be an integer"
 *    (except in that fallback re-read, where integral reals stand for integers).
 *  - Unknown members are errors at their own pointer. At most SCENARIO_MAX_ERRORS errors
 *    are kept; the number not kept is in errs->dropped.
 *
 * Ranges: times (at_ms, until_ms, latency_ms, extra_ms) 0..2^53 (extra_ms >= 1);
 * iss/seq/ack 0..4294967295; mss 1..65535; endpoint wnd 1..65535; inject wnd and len
 * 0..65535; rto_ms 1..3600000; msl_ms 0..3600000; max_retries 0..20; nth 1..2^32-1;
 * bytes 1..SIM_MAX_SEND_BYTES; seed 0..2^63-1; at most SIM_MAX_EVENTS events,
 * SIM_MAX_FAULTS faults, SIM_MAX_ISS entries in an iss list. A run itself stops with an
 * error at SIM_MAX_STEPS steps or at a segment due after SIM_MAX_TIME_MS (sim.h).
 *
 * Trace JSON members. Per step, always: "step" (1-based index), "t_ms", "endpoint",
 * "kind" (call|send|receive|drop|timeout|inject), "state_before", "state_after", "rule",
 * "tcb": {"client": VARS, "server": VARS} (both endpoints after the step). When they
 * apply: "call" and, for send calls, "bytes" (kind call); "segment": {"seq", "ack",
 * "flags" (canonical order SYN, ACK, FIN, RST, PSH), "len", "wnd"} (send, receive, drop,
 * inject); "retransmission": true (send); "duplicate": true (receive of a copy made by a
 * duplicate fault); "fault": {"index", "action", "extra_ms"} on the send step a fault acted
 * on ("action"/"extra_ms" only when the scenario is known, see trace_to_json_full; extra_ms
 * only for delay/duplicate); "timer": "retransmission"|"time-wait" (timeout); "error" (a
 * refused call); "signal" (what the user is told, e.g. "connection reset"); "rule_zh" (only
 * with trace_to_json_opts(..., true): the rule in Simplified Chinese, right after "rule",
 * on each step whose rule has a text in rules_zh.h; "rule" itself stays English).
 * VARS = {"state", "iss", "irs", "snd_una", "snd_nxt", "snd_wnd", "rcv_nxt", "rcv_wnd"}.
 * Top level: "steps", "final": {"client": VARS, "server": VARS}, "end_ms".
 */
#include "scenario_json.h"

#include "rules_zh.h"

#include "../util/strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PTR_MAX ((size_t)sizeof(((scenario_error *)0)->pointer))
#define MAX_MS  9007199254740992LL /* 2^53 */
#define MAX_U32 4294967295LL

typedef struct ctx {
    scenario_errors *errs;
    bool ints_as_reals;
    const sim_scenario *sc; /* for client names (listen queues) */
    bool multi;             /* a listen-queue member was seen (sim_scenario.multi) */
} ctx;

/* ---------------------------------------------------------------- errors and pointers */

static void add_err(ctx *c, const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_err(ctx *c, const char *ptr, const char *fmt, ...)
{
    scenario_errors *e = c->errs;
    if (e->count >= SCENARIO_MAX_ERRORS) {
        e->dropped++;
        return;
    }
    scenario_error *it = &e->items[e->count++];
    snprintf(it->pointer, sizeof it->pointer, "%s", ptr);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->detail, sizeof it->detail, fmt, ap);
    va_end(ap);
}

/* out = base + "/" + escaped key (RFC 6901: "~" → "~0", "/" → "~1"); truncated safely. */
static void ptr_key(char *out, const char *base, const char *key)
{
    size_t n = strlen(base);
    if (n > PTR_MAX - 2)
        n = PTR_MAX - 2;
    memcpy(out, base, n);
    out[n++] = '/';
    for (const char *k = key; *k && n < PTR_MAX - 3; k++) {
        if (*k == '~') {
            out[n++] = '~';
            out[n++] = '0';
        } else if (*k == '/') {
            out[n++] = '~';
            out[n++] = '1';
        } else {
            out[n++] = *k;
        }
    }
    /* never end inside a UTF-8 sequence (nor right after its lead byte) */
    if (n > 0) {
        size_t s = n - 1;
        while (s > 0 && ((unsigned char)out[s] & 0xC0) == 0x80)
            s--;
        unsigned char lead = (unsigned char)out[s];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - s < need)
            n = s;
    }
    out[n] = '\0';
}

static void ptr_idx(char *out, const char *base, size_t i)
{
    char key[32];
    snprintf(key, sizeof key, "%zu", i);
    ptr_key(out, base, key);
}

/* A user-supplied string as a quoted, escaped, bounded literal for messages. */
static void quoted(char *out, size_t size, const char *s)
{
    size_t n = 0, limit = size > 8 ? size - 8 : 0;
    out[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (n >= limit || (p - (const unsigned char *)s) >= 60) {
            /* back off to a character boundary, then mark the cut */
            while (n > 1 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
                n--;
            if (n > 1 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
                n--;
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        if (*p == '"' || *p == '\\') {
            out[n++] = '\\';
            out[n++] = (char)*p;
        } else if (*p < 0x20 || *p == 0x7f) {
            out[n++] = '?';
        } else {
            out[n++] = (char)*p;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number with a fraction";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

/* ---------------------------------------------------------------- typed readers */

/* Reads an integer in [lo, hi]. Returns true with *out on success; else records an
 * error at `ptr` and returns false. */
static bool read_int(ctx *c, const json_t *v, const char *ptr, long long lo, long long hi,
                     long long *out)
{
    if (json_is_integer(v)) {
        long long x = json_integer_value(v);
        if (x < lo || x > hi) {
            add_err(c, ptr, "out of range: %lld (must be %lld..%lld)", x, lo, hi);
            return false;
        }
        *out = x;
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        bool integral = isfinite(d) && d == floor(d);
        if (integral && (d < (double)lo || d > (double)hi)) {
            add_err(c, ptr, "out of range: %.17g (must be %lld..%lld)", d, lo, hi);
            return false;
        }
        if (integral && c->ints_as_reals) {
            *out = (long long)d;
            return true;
        }
        add_err(c, ptr, "must be an integer, got %.17g", d);
        return false;
    }
    add_err(c, ptr, "must be an integer, got %s", type_name(v));
    return false;
}

static bool read_string(ctx *c, const json_t *v, const char *ptr, const char **out)
{
    if (!json_is_string(v)) {
        add_err(c, ptr, "must be a string, got %s", type_name(v));
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* Checks that `obj` is an object whose members are all in `known` (NULL-terminated). */
static bool check_object(ctx *c, const json_t *obj, const char *ptr, const char *const *known)
{
    if (!json_is_object(obj)) {
        add_err(c, ptr, "must be an object, got %s", type_name(obj));
        return false;
    }
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        bool ok = false;
        for (const char *const *k = known; *k; k++)
            if (!strcmp(*k, key))
                ok = true;
        if (!ok) {
            char p[PTR_MAX];
            ptr_key(p, ptr, key);
            add_err(c, p, "unknown field");
        }
    }
    return true;
}

/* "client", "server", or the name of an entry of `clients` (which then replaces "client"):
 * *endpoint and *client (the entry, -1 for the server; 0 for "client"). */
static bool read_who(ctx *c, const json_t *v, const char *ptr, int *endpoint, int *client)
{
    const char *s;
    if (!read_string(c, v, ptr, &s))
        return false;
    const sim_scenario *sc = c->sc;
    if (!strcmp(s, "server")) {
        *endpoint = SIM_SERVER;
        *client = -1;
        return true;
    }
    for (size_t i = 0; i < sc->client_count; i++) {
        if (!strcmp(s, sc->clients[i].name)) {
            *endpoint = SIM_CLIENT;
            *client = (int)i;
            return true;
        }
    }
    if (sc->client_count == 0 && !strcmp(s, "client")) {
        *endpoint = SIM_CLIENT;
        *client = 0;
        return true;
    }
    char q[96];
    quoted(q, sizeof q, s);
    if (sc->client_count > 0)
        add_err(c, ptr,
                "unknown endpoint %s (expected \"server\" or the name of an entry of "
                "clients)",
                q);
    else
        add_err(c, ptr, "unknown endpoint %s (expected \"client\" or \"server\")", q);
    return false;
}

/* "A.B.C.D" → IPv4 in host byte order. */
static bool read_addr(ctx *c, const json_t *v, const char *ptr, uint32_t *out)
{
    const char *s;
    if (!read_string(c, v, ptr, &s))
        return false;
    unsigned a[4];
    char tail;
    if (sscanf(s, "%3u.%3u.%3u.%3u%c", &a[0], &a[1], &a[2], &a[3], &tail) != 4 || a[0] > 255 ||
        a[1] > 255 || a[2] > 255 || a[3] > 255 || strspn(s, "0123456789.") != strlen(s)) {
        char q[96];
        quoted(q, sizeof q, s);
        add_err(c, ptr, "not an IPv4 address %s (expected four numbers 0..255: \"10.0.0.2\")", q);
        return false;
    }
    *out = (a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3];
    return true;
}

/* A list of distinct flag names → bit set. `allow_empty` for injected segments. */
static bool read_flags(ctx *c, const json_t *v, const char *ptr, bool allow_empty, uint8_t *out)
{
    if (!json_is_array(v)) {
        add_err(c, ptr, "must be an array of flag names, got %s", type_name(v));
        return false;
    }
    if (!allow_empty && json_array_size(v) == 0) {
        add_err(c, ptr, "must name at least one flag (SYN, ACK, FIN, RST, PSH)");
        return false;
    }
    bool ok = true;
    uint8_t bits = 0;
    size_t i;
    json_t *f;
    json_array_foreach(v, i, f)
    {
        char p[PTR_MAX];
        ptr_idx(p, ptr, i);
        const char *s;
        uint8_t bit;
        if (!read_string(c, f, p, &s)) {
            ok = false;
            continue;
        }
        if (!tcp_flag_from_name(s, &bit)) {
            char q[96];
            quoted(q, sizeof q, s);
            add_err(c, p, "unknown flag %s (expected SYN, ACK, FIN, RST or PSH)", q);
            ok = false;
            continue;
        }
        if (bits & bit) {
            add_err(c, p, "duplicate flag \"%s\"", s);
            ok = false;
            continue;
        }
        bits |= bit;
    }
    if (ok)
        *out = bits;
    return ok;
}

/* ---------------------------------------------------------------- scenario sections */

static void parse_endpoint_cfg(ctx *c, const json_t *v, const char *ptr, sim_endpoint_config *ep)
{
    static const char *const known[] = {"iss", "mss", "wnd", NULL};
    static const char *const known_server[] = {"iss",  "mss",  "wnd", "syn_cookies",
                                               "addr", "port", NULL};
    static const char *const known_client[] = {"iss", "mss", "wnd", "name", "addr", "port", NULL};
    bool server = !strcmp(ptr, "/server"), listed = !strncmp(ptr, "/clients/", 9);
    if (!check_object(c, v, ptr, server ? known_server : listed ? known_client : known))
        return;
    char p[PTR_MAX];
    long long x;
    const json_t *iss = json_object_get(v, "iss");
    if (iss) {
        ptr_key(p, ptr, "iss");
        if (json_is_array(iss)) {
            size_t n = json_array_size(iss);
            if (n == 0) {
                add_err(c, p, "must not be an empty list");
            } else if (n > SIM_MAX_ISS) {
                add_err(c, p, "too many entries: %zu (at most %d)", n, SIM_MAX_ISS);
            } else {
                bool ok = true;
                for (size_t i = 0; i < n; i++) {
                    char pi[PTR_MAX];
                    ptr_idx(pi, p, i);
                    if (read_int(c, json_array_get(iss, i), pi, 0, MAX_U32, &x))
                        ep->iss[i] = (uint32_t)x;
                    else
                        ok = false;
                }
                if (ok)
                    ep->iss_count = n;
            }
        } else if (json_is_number(iss)) {
            if (read_int(c, iss, p, 0, MAX_U32, &x)) {
                ep->iss[0] = (uint32_t)x;
                ep->iss_count = 1;
            }
        } else {
            add_err(c, p, "must be an integer or a list of integers, got %s", type_name(iss));
        }
    }
    const json_t *m = json_object_get(v, "mss");
    if (m) {
        ptr_key(p, ptr, "mss");
        if (read_int(c, m, p, 1, 65535, &x))
            ep->mss = (uint32_t)x;
    }
    const json_t *w = json_object_get(v, "wnd");
    if (w) {
        ptr_key(p, ptr, "wnd");
        if (read_int(c, w, p, 1, 65535, &x))
            ep->wnd = (uint32_t)x;
    }
}

/* The server's listen-queue members: "addr", "port", "syn_cookies". */
static void parse_server_extra(ctx *c, const json_t *v, sim_scenario *sc)
{
    if (!json_is_object(v))
        return;
    const json_t *m;
    long long x;
    if ((m = json_object_get(v, "addr"))) {
        c->multi = true;
        read_addr(c, m, "/server/addr", &sc->server_addr);
    }
    if ((m = json_object_get(v, "port"))) {
        c->multi = true;
        if (read_int(c, m, "/server/port", 1, 65535, &x))
            sc->server_port = (uint16_t)x;
    }
    if ((m = json_object_get(v, "syn_cookies"))) {
        c->multi = true;
        if (json_is_boolean(m))
            sc->syn_cookies = json_is_true(m);
        else
            add_err(c, "/server/syn_cookies", "must be true or false, got %s", type_name(m));
    }
}

/* "clients": [{"name", "addr", "port", "iss", "mss", "wnd"}, ...] (listen queues). */
static void parse_clients(ctx *c, const json_t *v, sim_scenario *sc)
{
    c->multi = true;
    if (!json_is_array(v)) {
        add_err(c, "/clients", "must be an array, got %s", type_name(v));
        return;
    }
    size_t n = json_array_size(v);
    if (n == 0 || n > SIM_MAX_CLIENTS) {
        add_err(c, "/clients", "%zu clients (must be 1..%d)", n, SIM_MAX_CLIENTS);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char p[PTR_MAX], pm[PTR_MAX];
        ptr_idx(p, "/clients", i);
        const json_t *o = json_array_get(v, i);
        sim_client_config *cl = &sc->clients[i];
        memset(cl, 0, sizeof *cl);
        cl->ep.mss = 1460;
        cl->ep.wnd = 65535;
        parse_endpoint_cfg(c, o, p, &cl->ep);
        if (!json_is_object(o))
            continue;
        const json_t *m = json_object_get(o, "name");
        const char *name;
        ptr_key(pm, p, "name");
        if (!m) {
            add_err(c, pm, "missing (required: the client's name in events and the trace)");
        } else if (read_string(c, m, pm, &name)) {
            size_t len = strlen(name);
            if (len == 0 || len >= SIM_NAME_MAX ||
                strspn(name, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789_-") != len)
                add_err(c, pm, "must be 1..%d letters, digits, '_' or '-'", SIM_NAME_MAX - 1);
            else if (!strcmp(name, "server") || !strcmp(name, "listener"))
                add_err(c, pm, "\"%s\" is reserved", name);
            else
                memcpy(cl->name, name, len + 1);
            for (size_t j = 0; j < i && cl->name[0]; j++)
                if (!strcmp(sc->clients[j].name, cl->name))
                    add_err(c, pm, "\"%s\" is also the name of clients[%zu]", name, j);
        }
        long long x;
        ptr_key(pm, p, "addr");
        if (!(m = json_object_get(o, "addr")))
            add_err(c, pm, "missing (required: an IPv4 address such as \"10.0.0.2\")");
        else
            read_addr(c, m, pm, &cl->addr);
        ptr_key(pm, p, "port");
        if (!(m = json_object_get(o, "port")))
            add_err(c, pm, "missing (required: 1..65535)");
        else if (read_int(c, m, pm, 1, 65535, &x))
            cl->port = (uint16_t)x;
        for (size_t j = 0; j < i; j++)
            if (cl->addr && cl->port && sc->clients[j].addr == cl->addr &&
                sc->clients[j].port == cl->port)
                add_err(c, pm, "the same address and port as clients[%zu]", j);
    }
    sc->client_count = n;
}

/* Listen queues: which calls each side may make, checked once every event is read. */
static void check_queue_calls(ctx *c, const sim_scenario *sc)
{
    for (size_t i = 0; i < sc->event_count; i++) {
        const sim_event *ev = &sc->events[i];
        if (ev->inject)
            continue;
        char p[PTR_MAX], pe[PTR_MAX];
        ptr_idx(pe, "/events", i);
        ptr_key(p, pe, "call");
        tcp_call k = ev->call;
        if (ev->endpoint == SIM_CLIENT) {
            if (k == TCP_CALL_LISTEN || k == SIM_CALL_ACCEPT)
                add_err(c, p,
                        "\"%s\" is the server's call (with listen queues a client only "
                        "connects, sends, closes, aborts or crashes)",
                        sim_call_name(k));
        } else if (ev->client >= 0) {
            if (k != TCP_CALL_SEND && k != TCP_CALL_CLOSE && k != TCP_CALL_ABORT)
                add_err(c, p, "\"%s\" cannot act on one connection (send, close or abort can)",
                        sim_call_name(k));
        } else if (k == TCP_CALL_SEND || k == TCP_CALL_CONNECT || k == TCP_CALL_CRASH) {
            add_err(c, p,
                    "\"%s\" needs \"conn\" naming the client whose connection it acts on "
                    "(the listening socket takes listen, accept, close and abort)",
                    sim_call_name(k));
        }
    }
}

static bool parse_action(const char *s, sim_fault_action *out)
{
    for (sim_fault_action a = SIM_FAULT_DROP; a <= SIM_FAULT_DUPLICATE; a++) {
        if (!strcmp(s, sim_fault_action_name(a))) {
            *out = a;
            return true;
        }
    }
    return false;
}

static void parse_fault(ctx *c, const json_t *v, const char *ptr, sim_scenario *sc)
{
    static const char *const known[] = {"action", "from", "flags", "nth", "extra_ms", NULL};
    if (!check_object(c, v, ptr, known))
        return;
    sim_fault f = {.action = SIM_FAULT_DROP,
                   .from = SIM_CLIENT,
                   .client = -1,
                   .flags = 0,
                   .nth = 0,
                   .extra_ms = 0};
    bool ok = true, have_action = false;
    char p[PTR_MAX];
    long long x;
    const char *s;

    const json_t *a = json_object_get(v, "action");
    ptr_key(p, ptr, "action");
    if (!a) {
        add_err(c, p, "missing (required: drop, delay or duplicate)");
        ok = false;
    } else if (!read_string(c, a, p, &s)) {
        ok = false;
    } else if (!parse_action(s, &f.action)) {
        char q[96];
        quoted(q, sizeof q, s);
        add_err(c, p, "unknown action %s (expected drop, delay or duplicate)", q);
        ok = false;
    } else {
        have_action = true;
    }

    const json_t *from = json_object_get(v, "from");
    ptr_key(p, ptr, "from");
    if (!from) {
        add_err(c, p, "missing (required: \"client\" or \"server\")");
        ok = false;
    } else if (!read_who(c, from, p, &f.from, &f.client)) {
        ok = false;
    } else if (c->sc->client_count == 0) {
        f.client = -1; /* the one client */
    }

    const json_t *fl = json_object_get(v, "flags");
    ptr_key(p, ptr, "flags");
    if (!fl) {
        add_err(c, p, "missing (required: the exact flag set of the segments to act on)");
        ok = false;
    } else if (!read_flags(c, fl, p, false, &f.flags)) {
        ok = false;
    }

    const json_t *nth = json_object_get(v, "nth");
    if (nth) {
        ptr_key(p, ptr, "nth");
        if (read_int(c, nth, p, 1, MAX_U32, &x))
            f.nth = (uint32_t)x;
        else
            ok = false;
    }

    const json_t *ex = json_object_get(v, "extra_ms");
    ptr_key(p, ptr, "extra_ms");
    if (have_action && f.action == SIM_FAULT_DROP) {
        if (ex) {
            add_err(c, p, "only valid with action delay or duplicate");
            ok = false;
        }
    } else if (have_action) {
        if (!ex) {
            add_err(c, p, "missing (required for action %s, > 0)", sim_fault_action_name(f.action));
            ok = false;
        } else if (read_int(c, ex, p, 1, MAX_MS, &x)) {
            f.extra_ms = x;
        } else {
            ok = false;
        }
    }
    if (ok && sc->fault_count < SIM_MAX_FAULTS)
        sc->faults[sc->fault_count++] = f;
}

static void parse_network(ctx *c, const json_t *v, const char *ptr, sim_scenario *sc)
{
    static const char *const known[] = {"latency_ms", "faults", NULL};
    if (!check_object(c, v, ptr, known))
        return;
    char p[PTR_MAX];
    long long x;
    const json_t *lat = json_object_get(v, "latency_ms");
    if (lat) {
        ptr_key(p, ptr, "latency_ms");
        if (read_int(c, lat, p, 0, MAX_MS, &x))
            sc->latency_ms = x;
    }
    const json_t *faults = json_object_get(v, "faults");
    if (faults) {
        ptr_key(p, ptr, "faults");
        if (!json_is_array(faults)) {
            add_err(c, p, "must be an array, got %s", type_name(faults));
        } else if (json_array_size(faults) > SIM_MAX_FAULTS) {
            add_err(c, p, "too many faults: %zu (at most %d)", json_array_size(faults),
                    SIM_MAX_FAULTS);
        } else {
            size_t i;
            json_t *f;
            json_array_foreach(faults, i, f)
            {
                char pi[PTR_MAX];
                ptr_idx(pi, p, i);
                parse_fault(c, f, pi, sc);
            }
        }
    }
}

static void parse_timers(ctx *c, const json_t *v, const char *ptr, sim_scenario *sc)
{
    static const char *const known[] = {"rto_ms", "msl_ms", "max_retries", NULL};
    if (!check_object(c, v, ptr, known))
        return;
    char p[PTR_MAX];
    long long x;
    const json_t *m;
    if ((m = json_object_get(v, "rto_ms"))) {
        ptr_key(p, ptr, "rto_ms");
        if (read_int(c, m, p, 1, 3600000, &x))
            sc->rto_ms = (uint32_t)x;
    }
    if ((m = json_object_get(v, "msl_ms"))) {
        ptr_key(p, ptr, "msl_ms");
        if (read_int(c, m, p, 0, 3600000, &x))
            sc->msl_ms = (uint32_t)x;
    }
    if ((m = json_object_get(v, "max_retries"))) {
        ptr_key(p, ptr, "max_retries");
        if (read_int(c, m, p, 0, 20, &x))
            sc->max_retries = (uint32_t)x;
    }
}

/* inject.from: {"addr", "port"}, a source address of the injected segment (listen queues). */
static bool parse_from(ctx *c, const json_t *v, const char *ptr, sim_event *ev)
{
    static const char *const known[] = {"addr", "port", NULL};
    if (!check_object(c, v, ptr, known))
        return false;
    bool ok = true;
    char p[PTR_MAX];
    long long x;
    const json_t *m = json_object_get(v, "addr");
    ptr_key(p, ptr, "addr");
    if (!m) {
        add_err(c, p, "missing (required: an IPv4 address such as \"198.51.100.7\")");
        ok = false;
    } else if (!read_addr(c, m, p, &ev->from_addr)) {
        ok = false;
    }
    m = json_object_get(v, "port");
    ptr_key(p, ptr, "port");
    if (!m) {
        add_err(c, p, "missing (required: 1..65535)");
        ok = false;
    } else if (read_int(c, m, p, 1, 65535, &x)) {
        ev->from_port = (uint16_t)x;
    } else {
        ok = false;
    }
    ev->has_from = ok;
    return ok;
}

static bool parse_inject(ctx *c, const json_t *v, const char *ptr, sim_event *ev)
{
    static const char *const known[] = {"to",  "flags", "seq",    "ack",      "len",
                                        "wnd", "from",  "repeat", "every_ms", NULL};
    if (!check_object(c, v, ptr, known))
        return false;
    bool ok = true;
    char p[PTR_MAX];
    long long x;
    ev->seg = (tcp_segment){.seq = 0, .ack = 0, .flags = 0, .len = 0, .wnd = 65535};

    const json_t *to = json_object_get(v, "to");
    ptr_key(p, ptr, "to");
    if (!to) {
        add_err(c, p, "missing (required: \"client\" or \"server\")");
        ok = false;
    } else if (!read_who(c, to, p, &ev->endpoint, &ev->client)) {
        ok = false;
    } else if (ev->endpoint == SIM_SERVER) {
        ev->client = 0; /* as if sent by the (first) client, unless "from" says otherwise */
    }
    const json_t *from = json_object_get(v, "from");
    if (from) {
        ptr_key(p, ptr, "from");
        c->multi = true;
        if (ok && ev->endpoint != SIM_SERVER) {
            add_err(c, p, "only valid with \"to\": \"server\" (a client hears only the server)");
            ok = false;
        } else if (!parse_from(c, from, p, ev)) {
            ok = false;
        }
    }
    const json_t *rep = json_object_get(v, "repeat");
    if (rep) {
        ptr_key(p, ptr, "repeat");
        c->multi = true;
        long long x2;
        if (!from) {
            add_err(c, p, "only valid with \"from\" (copy k comes from port + k)");
            ok = false;
        } else if (read_int(c, rep, p, 1, SIM_MAX_REPEAT, &x2)) {
            ev->repeat = (uint32_t)x2;
            if (ev->has_from && ev->from_port + x2 - 1 > 65535) {
                add_err(c, p, "copy %lld would come from port %lld (above 65535)", x2,
                        ev->from_port + x2 - 1);
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    const json_t *every = json_object_get(v, "every_ms");
    if (every) {
        ptr_key(p, ptr, "every_ms");
        long long x2;
        if (!rep) {
            add_err(c, p, "only valid with \"repeat\"");
            ok = false;
        } else if (read_int(c, every, p, 0, 1 << 30, &x2)) {
            ev->every_ms = (uint32_t)x2;
        } else {
            ok = false;
        }
    }
    const json_t *fl = json_object_get(v, "flags");
    ptr_key(p, ptr, "flags");
    if (!fl) {
        add_err(c, p, "missing (required: a list of flags, may be empty)");
        ok = false;
    } else if (!read_flags(c, fl, p, true, &ev->seg.flags)) {
        ok = false;
    }
    const json_t *m = json_object_get(v, "seq");
    ptr_key(p, ptr, "seq");
    if (!m) {
        add_err(c, p, "missing (required: 0..4294967295)");
        ok = false;
    } else if (read_int(c, m, p, 0, MAX_U32, &x)) {
        ev->seg.seq = (uint32_t)x;
    } else {
        ok = false;
    }
    struct {
        const char *name;
        long long hi;
        uint32_t *dst;
    } opt[] = {
        {"ack", MAX_U32, &ev->seg.ack}, {"len", 65535, &ev->seg.len}, {"wnd", 65535, &ev->seg.wnd}};
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++) {
        if (!(m = json_object_get(v, opt[i].name)))
            continue;
        ptr_key(p, ptr, opt[i].name);
        if (read_int(c, m, p, 0, opt[i].hi, &x))
            *opt[i].dst = (uint32_t)x;
        else
            ok = false;
    }
    return ok;
}

/* The listen-queue members of a call event: "backlog" and "syn_backlog" (a server's listen),
 * "conn" (a server's call on the connection of the client it names). */
static bool parse_event_queues(ctx *c, const json_t *v, const char *ptr, sim_event *ev,
                               bool have_call)
{
    bool ok = true;
    char p[PTR_MAX];
    long long x;
    static const char *const names[] = {"backlog", "syn_backlog"};
    uint32_t *dst[] = {&ev->backlog, &ev->syn_backlog};
    for (size_t i = 0; i < 2; i++) {
        const json_t *m = json_object_get(v, names[i]);
        if (!m)
            continue;
        ptr_key(p, ptr, names[i]);
        c->multi = true;
        if (have_call && (ev->call != TCP_CALL_LISTEN || ev->endpoint != SIM_SERVER)) {
            add_err(c, p, "only valid with the server's call \"listen\"");
            ok = false;
        } else if (read_int(c, m, p, 1, SIM_MAX_CONNS, &x)) {
            *dst[i] = (uint32_t)x;
        } else {
            ok = false;
        }
    }
    const json_t *conn = json_object_get(v, "conn");
    if (conn) {
        ptr_key(p, ptr, "conn");
        c->multi = true;
        int e = SIM_SERVER, who = -1;
        if (ev->endpoint != SIM_SERVER) {
            add_err(c, p, "only valid on a server's call (a client has one connection)");
            ok = false;
        } else if (!read_who(c, conn, p, &e, &who)) {
            ok = false;
        } else if (e != SIM_CLIENT) {
            add_err(c, p, "must name a client (the connection is the server's end of it)");
            ok = false;
        } else {
            ev->client = who;
        }
    }
    return ok;
}

static void parse_event(ctx *c, const json_t *v, const char *ptr, sim_scenario *sc)
{
    static const char *const known[] = {"at_ms",   "endpoint",    "call", "bytes", "inject",
                                        "backlog", "syn_backlog", "conn", NULL};
    if (!check_object(c, v, ptr, known))
        return;
    sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.client = -1;
    bool ok = true;
    char p[PTR_MAX];
    long long x;

    const json_t *at = json_object_get(v, "at_ms");
    ptr_key(p, ptr, "at_ms");
    if (!at) {
        add_err(c, p, "missing (required: the event's time in ms, 0..2^53)");
        ok = false;
    } else if (read_int(c, at, p, 0, MAX_MS, &x)) {
        ev.at_ms = x;
    } else {
        ok = false;
    }

    const json_t *inj = json_object_get(v, "inject");
    const json_t *ep = json_object_get(v, "endpoint");
    const json_t *call = json_object_get(v, "call");
    const json_t *bytes = json_object_get(v, "bytes");
    if (inj) {
        ev.inject = true;
        static const char *const not_with[] = {"endpoint", "call",        "bytes",
                                               "backlog",  "syn_backlog", "conn"};
        for (size_t i = 0; i < sizeof not_with / sizeof not_with[0]; i++)
            if (json_object_get(v, not_with[i])) {
                ptr_key(p, ptr, not_with[i]);
                add_err(c, p, "not allowed in an inject event (the receiver is inject/to)");
                ok = false;
            }
        ptr_key(p, ptr, "inject");
        if (!parse_inject(c, inj, p, &ev))
            ok = false;
    } else {
        ptr_key(p, ptr, "endpoint");
        if (!ep) {
            add_err(c, p, "missing (required: \"client\" or \"server\"; or give \"inject\")");
            ok = false;
        } else if (!read_who(c, ep, p, &ev.endpoint, &ev.client)) {
            ok = false;
        }
        ptr_key(p, ptr, "call");
        const char *s;
        bool have_call = false;
        if (!call) {
            add_err(c, p, "missing (required: listen, connect, send, close, abort or crash)");
            ok = false;
        } else if (!read_string(c, call, p, &s)) {
            ok = false;
        } else if (!sim_call_from_name(s, &ev.call)) {
            char q[96];
            quoted(q, sizeof q, s);
            add_err(c, p, "unknown call %s", q);
            ok = false;
        } else {
            have_call = true;
        }
        ptr_key(p, ptr, "bytes");
        if (have_call && ev.call == TCP_CALL_SEND) {
            if (!bytes) {
                add_err(c, p, "missing (required for call \"send\": 1..%u)", SIM_MAX_SEND_BYTES);
                ok = false;
            } else if (read_int(c, bytes, p, 1, SIM_MAX_SEND_BYTES, &x)) {
                ev.bytes = (uint32_t)x;
            } else {
                ok = false;
            }
        } else if (have_call && bytes) {
            add_err(c, p, "only valid with call \"send\"");
            ok = false;
        }
        if (have_call && ev.call == SIM_CALL_ACCEPT)
            c->multi = true;
        if (!parse_event_queues(c, v, ptr, &ev, have_call))
            ok = false;
    }
    if (ok && sc->event_count < SIM_MAX_EVENTS)
        sc->events[sc->event_count++] = ev;
}

/* ---------------------------------------------------------------- public: parse */

static void errs_reset(scenario_errors *errs)
{
    errs->count = 0;
    errs->dropped = 0;
    errs->malformed = false;
}

static int from_json(const json_t *root, sim_scenario *out, scenario_errors *errs,
                     bool ints_as_reals)
{
    ctx c = {.errs = errs, .ints_as_reals = ints_as_reals, .sc = out, .multi = false};
    static const char *const known[] = {"title",    "description", "client", "server",
                                        "network",  "timers",      "events", "seed",
                                        "until_ms", "clients",     NULL};
    if (!check_object(&c, root, "", known))
        return -1;
    const json_t *m;
    const char *s;
    long long x;
    if ((m = json_object_get(root, "title")))
        read_string(&c, m, "/title", &s);
    if ((m = json_object_get(root, "description")))
        read_string(&c, m, "/description", &s);
    if ((m = json_object_get(root, "client")))
        parse_endpoint_cfg(&c, m, "/client", &out->ep[SIM_CLIENT]);
    if ((m = json_object_get(root, "server"))) {
        parse_endpoint_cfg(&c, m, "/server", &out->ep[SIM_SERVER]);
        parse_server_extra(&c, m, out);
    }
    if ((m = json_object_get(root, "clients"))) {
        if (json_object_get(root, "client"))
            add_err(&c, "/clients", "give either client (one client) or clients, not both");
        parse_clients(&c, m, out);
    }
    if ((m = json_object_get(root, "network")))
        parse_network(&c, m, "/network", out);
    if ((m = json_object_get(root, "timers")))
        parse_timers(&c, m, "/timers", out);
    if ((m = json_object_get(root, "seed")) && read_int(&c, m, "/seed", 0, INT64_MAX, &x))
        out->seed = (uint64_t)x;
    if ((m = json_object_get(root, "until_ms")) && read_int(&c, m, "/until_ms", 0, MAX_MS, &x)) {
        out->has_until = true;
        out->until_ms = x;
    }
    const json_t *ev = json_object_get(root, "events");
    if (!ev) {
        add_err(&c, "/events", "missing (required: a list of events, may be empty)");
    } else if (!json_is_array(ev)) {
        add_err(&c, "/events", "must be an array, got %s", type_name(ev));
    } else if (json_array_size(ev) > SIM_MAX_EVENTS) {
        add_err(&c, "/events", "too many events: %zu (at most %d)", json_array_size(ev),
                SIM_MAX_EVENTS);
    } else {
        size_t i;
        json_t *e;
        json_array_foreach(ev, i, e)
        {
            char p[PTR_MAX];
            ptr_idx(p, "/events", i);
            parse_event(&c, e, p, out);
        }
    }
    if (c.multi && !errs->count && !errs->dropped) {
        out->multi = true;
        if (out->client_count == 0) { /* the one-client form, at a fixed address */
            sim_client_config *cl = &out->clients[0];
            memset(cl, 0, sizeof *cl);
            memcpy(cl->name, "client", sizeof "client");
            cl->addr = 0x0a000002u; /* 10.0.0.2 */
            cl->port = 49152;
            cl->ep = out->ep[SIM_CLIENT];
            out->client_count = 1;
        }
        check_queue_calls(&c, out);
    }
    return errs->count || errs->dropped ? -1 : 0;
}

int scenario_from_json(const json_t *root, sim_scenario *out, scenario_errors *errs)
{
    sim_scenario_defaults(out);
    errs_reset(errs);
    int rc = from_json(root, out, errs, false);
    if (rc != 0)
        sim_scenario_defaults(out);
    return rc;
}

int scenario_parse(const char *text, size_t len, sim_scenario *out, scenario_errors *errs)
{
    sim_scenario_defaults(out);
    errs_reset(errs);
    if (!text)
        text = "", len = 0;
    json_error_t jerr;
    bool as_reals = false;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root && json_error_code(&jerr) == json_error_numeric_overflow) {
        json_error_t jerr2;
        root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr2);
        if (root)
            as_reals = true;
    }
    if (!root) {
        errs->malformed = true;
        errs->count = 1;
        errs->items[0].pointer[0] = '\0';
        snprintf(errs->items[0].detail, sizeof errs->items[0].detail, "line %d, column %d: %s",
                 jerr.line, jerr.column, jerr.text);
        return -1;
    }
    int rc = from_json(root, out, errs, as_reals);
    json_decref(root);
    if (rc != 0)
        sim_scenario_defaults(out);
    return rc;
}

size_t scenario_errors_format(const scenario_errors *errs, char *buf, size_t size)
{
    size_t n = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < errs->count; i++) {
        const scenario_error *e = &errs->items[i];
        int w = e->pointer[0]
                    ? snprintf(buf + n, size > n ? size - n : 0, "%s: %s\n", e->pointer, e->detail)
                    : snprintf(buf + n, size > n ? size - n : 0, "%s\n", e->detail);
        if (w > 0)
            n += (size_t)w;
    }
    if (errs->dropped) {
        int w = snprintf(buf + n, size > n ? size - n : 0, "(%zu more errors not shown)\n",
                         errs->dropped);
        if (w > 0)
            n += (size_t)w;
    }
    if (size && n >= size)
        buf[size - 1] = '\0';
    return n;
}

json_t *scenario_errors_to_json(const scenario_errors *errs)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < errs->count; i++) {
        json_t *o = json_pack("{s:s, s:s}", "pointer", errs->items[i].pointer, "detail",
                              errs->items[i].detail);
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* ---------------------------------------------------------------- scenario → JSON */

static json_t *flags_json(uint8_t flags)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (size_t i = 0; i < TCP_FLAG_NAME_COUNT; i++)
        if (flags & tcp_flag_order[i])
            if (json_array_append_new(a, json_string(tcp_flag_name(tcp_flag_order[i])))) {
                json_decref(a);
                return NULL;
            }
    return a;
}

/* Sets key to a new value; on any failure decrefs and marks *ok false. */
static void put(json_t *obj, const char *key, json_t *val, bool *ok)
{
    if (!val || json_object_set_new(obj, key, val))
        *ok = false;
}

/* Listen queues: "clients" (every entry explicit). */
static bool clients_json(json_t *root, const sim_scenario *sc)
{
    bool ok = true;
    json_t *arr = json_array();
    put(root, "clients", arr, &ok);
    for (size_t i = 0; ok && i < sc->client_count && i < SIM_MAX_CLIENTS; i++) {
        const sim_client_config *c = &sc->clients[i];
        char addr[16];
        sim_format_addr(c->addr, addr);
        json_t *o = json_pack("{s:s, s:s, s:I}", "name", c->name, "addr", addr, "port",
                              (json_int_t)c->port);
        if (!o || json_array_append_new(arr, o)) {
            ok = false;
            break;
        }
        if (c->ep.iss_count == 1) {
            put(o, "iss", json_integer(c->ep.iss[0]), &ok);
        } else if (c->ep.iss_count > 1) {
            json_t *a = json_array();
            put(o, "iss", a, &ok);
            for (size_t k = 0; a && k < c->ep.iss_count && k < SIM_MAX_ISS; k++)
                if (json_array_append_new(a, json_integer(c->ep.iss[k])))
                    ok = false;
        }
        put(o, "mss", json_integer(c->ep.mss), &ok);
        put(o, "wnd", json_integer(c->ep.wnd), &ok);
    }
    return ok;
}

/* The name an event, fault or inject uses for (endpoint, client). */
static const char *who_name(const sim_scenario *sc, int endpoint, int client)
{
    if (sc->multi && endpoint == SIM_CLIENT && client >= 0 && (size_t)client < sc->client_count)
        return sc->clients[client].name;
    return sim_endpoint_name(endpoint);
}

json_t *scenario_to_json(const sim_scenario *sc)
{
    bool ok = true;
    json_t *root = json_object();
    if (!root)
        return NULL;
    for (int e = 0; e < SIM_ENDPOINTS; e++) {
        const sim_endpoint_config *ep = &sc->ep[e];
        if (sc->multi && e == SIM_CLIENT)
            continue; /* "clients" below */
        json_t *o = json_object();
        put(root, sim_endpoint_name(e), o, &ok);
        if (!o)
            break;
        if (ep->iss_count == 1) {
            put(o, "iss", json_integer(ep->iss[0]), &ok);
        } else if (ep->iss_count > 1) {
            json_t *a = json_array();
            put(o, "iss", a, &ok);
            for (size_t i = 0; a && i < ep->iss_count && i < SIM_MAX_ISS; i++)
                if (json_array_append_new(a, json_integer(ep->iss[i])))
                    ok = false;
        }
        put(o, "mss", json_integer(ep->mss), &ok);
        put(o, "wnd", json_integer(ep->wnd), &ok);
        if (sc->multi) {
            char addr[16];
            sim_format_addr(sc->server_addr, addr);
            put(o, "addr", json_string(addr), &ok);
            put(o, "port", json_integer(sc->server_port), &ok);
            put(o, "syn_cookies", json_boolean(sc->syn_cookies), &ok);
        }
    }
    if (sc->multi && !clients_json(root, sc))
        ok = false;
    json_t *net = json_object(), *faults = json_array();
    put(root, "network", net, &ok);
    if (net) {
        put(net, "latency_ms", json_integer(sc->latency_ms), &ok);
        put(net, "faults", faults, &ok);
    } else {
        json_decref(faults);
        faults = NULL;
    }
    for (size_t i = 0; faults && i < sc->fault_count && i < SIM_MAX_FAULTS; i++) {
        const sim_fault *f = &sc->faults[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(faults, o)) {
            ok = false;
            break;
        }
        put(o, "action", json_string(sim_fault_action_name(f->action)), &ok);
        put(o, "from",
            json_string(f->client >= 0 ? who_name(sc, f->from, f->client)
                                       : sim_endpoint_name(f->from)),
            &ok);
        put(o, "flags", flags_json(f->flags), &ok);
        if (f->nth)
            put(o, "nth", json_integer(f->nth), &ok);
        if (f->action != SIM_FAULT_DROP)
            put(o, "extra_ms", json_integer(f->extra_ms), &ok);
    }
    put(root, "timers",
        json_pack("{s:I, s:I, s:I}", "rto_ms", (json_int_t)sc->rto_ms, "msl_ms",
                  (json_int_t)sc->msl_ms, "max_retries", (json_int_t)sc->max_retries),
        &ok);
    put(root, "seed", json_integer((json_int_t)(sc->seed & INT64_MAX)), &ok);
    json_t *events = json_array();
    put(root, "events", events, &ok);
    for (size_t i = 0; events && i < sc->event_count && i < SIM_MAX_EVENTS; i++) {
        const sim_event *ev = &sc->events[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(events, o)) {
            ok = false;
            break;
        }
        put(o, "at_ms", json_integer(ev->at_ms), &ok);
        if (ev->inject) {
            json_t *in = json_object();
            put(o, "inject", in, &ok);
            if (in) {
                put(in, "to", json_string(who_name(sc, ev->endpoint, ev->client)), &ok);
                put(in, "flags", flags_json(ev->seg.flags), &ok);
                put(in, "seq", json_integer(ev->seg.seq), &ok);
                put(in, "ack", json_integer(ev->seg.ack), &ok);
                put(in, "len", json_integer(ev->seg.len), &ok);
                put(in, "wnd", json_integer(ev->seg.wnd), &ok);
                if (sc->multi && ev->has_from) {
                    char addr[16];
                    sim_format_addr(ev->from_addr, addr);
                    put(in, "from",
                        json_pack("{s:s, s:I}", "addr", addr, "port", (json_int_t)ev->from_port),
                        &ok);
                    if (ev->repeat > 1) {
                        put(in, "repeat", json_integer(ev->repeat), &ok);
                        put(in, "every_ms", json_integer(ev->every_ms), &ok);
                    }
                }
            }
        } else {
            put(o, "endpoint", json_string(who_name(sc, ev->endpoint, ev->client)), &ok);
            put(o, "call", json_string(sim_call_name(ev->call)), &ok);
            if (ev->call == TCP_CALL_SEND)
                put(o, "bytes", json_integer(ev->bytes), &ok);
            if (sc->multi && ev->endpoint == SIM_SERVER && ev->client >= 0)
                put(o, "conn", json_string(who_name(sc, SIM_CLIENT, ev->client)), &ok);
            if (sc->multi && ev->call == TCP_CALL_LISTEN && ev->backlog)
                put(o, "backlog", json_integer(ev->backlog), &ok);
            if (sc->multi && ev->call == TCP_CALL_LISTEN && ev->syn_backlog)
                put(o, "syn_backlog", json_integer(ev->syn_backlog), &ok);
        }
    }
    if (sc->has_until)
        put(root, "until_ms", json_integer(sc->until_ms), &ok);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* ---------------------------------------------------------------- trace → JSON */

static json_t *vars_json(const tcp_vars *v)
{
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "state", tcp_state_name(v->state),
                     "iss", (json_int_t)v->iss, "irs", (json_int_t)v->irs, "snd_una",
                     (json_int_t)v->snd_una, "snd_nxt", (json_int_t)v->snd_nxt, "snd_wnd",
                     (json_int_t)v->snd_wnd, "rcv_nxt", (json_int_t)v->rcv_nxt, "rcv_wnd",
                     (json_int_t)v->rcv_wnd);
}

static json_t *pair_json(const tcp_vars v[SIM_ENDPOINTS])
{
    json_t *c = vars_json(&v[SIM_CLIENT]), *s = vars_json(&v[SIM_SERVER]);
    if (!c || !s) {
        json_decref(c);
        json_decref(s);
        return NULL;
    }
    return json_pack("{s:o, s:o}", "client", c, "server", s);
}

static json_t *segment_json(const tcp_segment *g)
{
    json_t *fl = flags_json(g->flags);
    if (!fl)
        return NULL;
    return json_pack("{s:I, s:I, s:o, s:I, s:I}", "seq", (json_int_t)g->seq, "ack",
                     (json_int_t)g->ack, "flags", fl, "len", (json_int_t)g->len, "wnd",
                     (json_int_t)g->wnd);
}

static json_t *step_json(const sim_trace *t, const sim_step *st, size_t index,
                         const sim_scenario *sc, bool with_rule_zh)
{
    bool ok = true;
    json_t *o = json_object();
    if (!o)
        return NULL;
    put(o, "step", json_integer((json_int_t)index + 1), &ok);
    put(o, "t_ms", json_integer(st->t_ms), &ok);
    put(o, "endpoint", json_string(sim_endpoint_name(st->endpoint)), &ok);
    if (t->multi)
        put(o, "conn", json_string(sim_trace_conn_name(t, st->conn)), &ok);
    put(o, "kind", json_string(sim_step_kind_name(st->kind)), &ok);
    if (st->kind == SIM_STEP_CALL) {
        put(o, "call", json_string(sim_call_name(st->call)), &ok);
        if (st->call == TCP_CALL_SEND)
            put(o, "bytes", json_integer(st->bytes), &ok);
    }
    if (st->has_segment)
        put(o, "segment", segment_json(&st->seg), &ok);
    if (st->retransmission)
        put(o, "retransmission", json_true(), &ok);
    if (st->duplicate)
        put(o, "duplicate", json_true(), &ok);
    if (st->kind == SIM_STEP_SEND && st->fault >= 0) {
        json_t *f = json_object();
        put(o, "fault", f, &ok);
        if (f) {
            put(f, "index", json_integer(st->fault), &ok);
            if (sc && (size_t)st->fault < sc->fault_count) {
                const sim_fault *sf = &sc->faults[st->fault];
                put(f, "action", json_string(sim_fault_action_name(sf->action)), &ok);
                if (sf->action != SIM_FAULT_DROP)
                    put(f, "extra_ms", json_integer(sf->extra_ms), &ok);
            }
        }
    }
    if (st->kind == SIM_STEP_TIMEOUT && sim_timer_name(st->timer))
        put(o, "timer", json_string(sim_timer_name(st->timer)), &ok);
    put(o, "state_before", json_string(tcp_state_name(st->state_before)), &ok);
    put(o, "state_after", json_string(tcp_state_name(st->state_after)), &ok);
    put(o, "rule", json_string(st->rule ? st->rule : ""), &ok);
    const char *zh = with_rule_zh ? rules_zh_lookup(st->rule) : NULL;
    if (zh)
        put(o, "rule_zh", json_string(zh), &ok);
    if (st->error)
        put(o, "error", json_string(st->error), &ok);
    if (st->signal)
        put(o, "signal", json_string(st->signal), &ok);
    if (st->queue_full)
        put(o, "queue_full", json_string(sim_queue_name(st->queue_full)), &ok);
    if (st->syn_cookie)
        put(o, "syn_cookie", json_true(), &ok);
    put(o, "tcb", pair_json(st->vars), &ok);
    if (t->multi)
        put(o, "queues",
            json_pack("{s:I, s:I}", "syn", (json_int_t)st->syn_queue, "accept",
                      (json_int_t)st->accept_queue),
            &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Listen queues: "listener" and "connections" after "end_ms" (trace_writer.c writes the same). */
static bool multi_json(json_t *root, const sim_trace *t)
{
    bool ok = true;
    char addr[16];
    const sim_listener_info *l = &t->listener;
    sim_format_addr(t->server_addr, addr);
    put(root, "listener",
        json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:I}", "addr", addr, "port",
                  (json_int_t)t->server_port, "state", tcp_state_name(l->state), "backlog",
                  (json_int_t)l->backlog, "syn_backlog", (json_int_t)l->syn_backlog, "syn_queue",
                  (json_int_t)l->syn_queue, "accept_queue", (json_int_t)l->accept_queue),
        &ok);
    json_t *conns = json_array();
    put(root, "connections", conns, &ok);
    for (size_t i = 0; ok && i < t->nconns; i++) {
        const sim_conn_info *c = &t->conns[i];
        sim_format_addr(c->addr, addr);
        json_t *pair = pair_json(c->final);
        json_t *o =
            pair ? json_pack("{s:s, s:s, s:I, s:b, s:b, s:o, s:o}", "name", c->name, "addr", addr,
                             "port", (json_int_t)c->port, "spoofed", c->spoofed, "accepted",
                             c->accepted, "client", json_incref(json_object_get(pair, "client")),
                             "server", json_incref(json_object_get(pair, "server")))
                 : NULL;
        json_decref(pair);
        if (!o || json_array_append_new(conns, o))
            ok = false;
    }
    return ok;
}

json_t *trace_to_json_opts(const sim_trace *t, const sim_scenario *sc, bool with_rule_zh)
{
    json_t *steps = json_array();
    if (!steps)
        return NULL;
    for (size_t i = 0; i < t->count; i++) {
        json_t *s = step_json(t, &t->steps[i], i, sc, with_rule_zh);
        if (!s || json_array_append_new(steps, s)) {
            json_decref(steps);
            return NULL;
        }
    }
    json_t *fin = pair_json(t->final);
    if (!fin) {
        json_decref(steps);
        return NULL;
    }
    json_t *root =
        json_pack("{s:o, s:o, s:I}", "steps", steps, "final", fin, "end_ms", (json_int_t)t->end_ms);
    if (root && t->multi && !multi_json(root, t)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

json_t *trace_to_json_full(const sim_trace *t, const sim_scenario *sc)
{
    return trace_to_json_opts(t, sc, false);
}

json_t *trace_to_json(const sim_trace *t)
{
    return trace_to_json_full(t, NULL);
}

/* ---------------------------------------------------------------- trace → text ladder */

/* Ends a line, dropping the padding spaces at its end. */
static void sb_nl(strbuf *b)
{
    size_t len = b->len;
    while (len > 0 && b->data[len - 1] == ' ')
        len--;
    strbuf_truncate(b, len);
    strbuf_put(b, "\n");
}

static void sb_rep(strbuf *b, const char *glyph, size_t times)
{
    for (size_t i = 0; i < times; i++)
        strbuf_put(b, glyph);
}

/* Display width of a string made of ASCII and the few multi-byte glyphs used here:
 * count code points (every glyph used is one column wide). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* "SEQ=100 ACK=301 <SYN,ACK> LEN=0": ACK shown only when the ACK flag is set. */
static void seg_label(char *out, size_t size, const tcp_segment *g)
{
    char fl[32] = "";
    size_t n = 0;
    for (size_t i = 0; i < TCP_FLAG_NAME_COUNT; i++)
        if (g->flags & tcp_flag_order[i])
            n += (size_t)snprintf(fl + n, sizeof fl - n, "%s%s", n ? "," : "",
                                  tcp_flag_name(tcp_flag_order[i]));
    if (g->flags & TCP_ACK)
        snprintf(out, size, "SEQ=%u ACK=%u <%s> LEN=%u", g->seq, g->ack, fl, g->len);
    else
        snprintf(out, size, "SEQ=%u <%s> LEN=%u", g->seq, fl, g->len);
}

#define MID 46 /* width of the middle (arrow) column */
#define STW 13 /* width of a state column ("SYN-RECEIVED" is 12) */
#define CNW 23 /* width of the connection column ("255.255.255.255:65535" is 21) */

static void pad(strbuf *b, const char *s, size_t w)
{
    strbuf_put(b, s);
    size_t n = width(s);
    if (n < w)
        sb_rep(b, " ", w - n);
}

/* Middle column: text laid out by kind and direction (client on the left). */
static void middle(strbuf *b, const sim_step *st, const sim_scenario *sc)
{
    char lab[96], txt[160];
    bool from_client = st->endpoint == SIM_CLIENT;
    if (st->has_segment)
        seg_label(lab, sizeof lab, &st->seg);
    switch (st->kind) {
    case SIM_STEP_SEND: {
        /* a full arrow from sender to receiver, label near the sender */
        snprintf(txt, sizeof txt, " %s ", lab);
        size_t fill = MID > width(txt) + 3 ? MID - width(txt) - 3 : 1;
        if (from_client) {
            strbuf_put(b, "──");
            strbuf_put(b, txt);
            sb_rep(b, "─", fill);
            strbuf_put(b, "▶");
        } else {
            strbuf_put(b, "◀");
            sb_rep(b, "─", fill);
            strbuf_put(b, txt);
            strbuf_put(b, "──");
        }
        (void)sc;
        return;
    }
    case SIM_STEP_DROP: {
        /* the arrow stops half way: --x */
        const char *x = "✕ lost";
        size_t half = MID / 2 - 1;
        if (from_client) {
            sb_rep(b, "─", half);
            strbuf_put(b, x);
            sb_rep(b, " ", MID - half - width(x));
        } else {
            sb_rep(b, " ", MID - half - width(x));
            strbuf_put(b, x);
            sb_rep(b, "─", half);
        }
        return;
    }
    case SIM_STEP_RECEIVE:
    case SIM_STEP_INJECT: {
        /* the arrival: label next to the receiver, arrow head at the receiver */
        const char *tag = st->kind == SIM_STEP_INJECT ? "injected " : "";
        if (st->endpoint == SIM_SERVER) {
            snprintf(txt, sizeof txt, "%s%s ", tag, lab);
            size_t w = width(txt) + 2;
            size_t lead = MID > w ? MID - w : 0;
            sb_rep(b, " ", lead);
            strbuf_put(b, txt);
            strbuf_put(b, "┈▶");
        } else {
            snprintf(txt, sizeof txt, " %s%s", tag, lab);
            strbuf_put(b, "◀┈");
            strbuf_put(b, txt);
            size_t w = width(txt) + 2;
            sb_rep(b, " ", MID > w ? MID - w : 0);
        }
        return;
    }
    case SIM_STEP_CALL:
    case SIM_STEP_TIMEOUT: {
        if (st->kind == SIM_STEP_CALL && st->call == TCP_CALL_SEND)
            snprintf(txt, sizeof txt, "%s(%u)", tcp_call_name(st->call), st->bytes);
        else if (st->kind == SIM_STEP_CALL)
            snprintf(txt, sizeof txt, "%s()", sim_call_name(st->call));
        else
            snprintf(txt, sizeof txt, "◷ %s timeout",
                     sim_timer_name(st->timer) ? sim_timer_name(st->timer) : "timer");
        size_t w = width(txt);
        if (from_client) {
            strbuf_put(b, txt);
            sb_rep(b, " ", MID > w ? MID - w : 0);
        } else {
            sb_rep(b, " ", MID > w ? MID - w : 0);
            strbuf_put(b, txt);
        }
        return;
    }
    }
}

char *trace_to_text_full(const sim_trace *t, const sim_scenario *sc)
{
    strbuf b = {0};
    strbuf_printf(&b, "%10s  ", "t (ms)");
    if (t->multi)
        pad(&b, "CONNECTION", CNW);
    pad(&b, "CLIENT", STW);
    strbuf_put(&b, " ");
    pad(&b, "", MID);
    strbuf_put(&b, " SERVER");
    sb_nl(&b);
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *st = &t->steps[i];
        strbuf_printf(&b, "%10lld  ", (long long)st->t_ms);
        if (t->multi)
            pad(&b, sim_trace_conn_name(t, st->conn), CNW);
        const char *cs = tcp_state_name(st->vars[SIM_CLIENT].state);
        const char *ss = tcp_state_name(st->vars[SIM_SERVER].state);
        /* the acting endpoint's column shows its state; the other column is blank unless
         * this is the first line (so the reader sees where both start) */
        pad(&b, st->endpoint == SIM_CLIENT || i == 0 ? cs : "", STW);
        strbuf_put(&b, " ");
        middle(&b, st, sc);
        strbuf_put(&b, " ");
        pad(&b, st->endpoint == SIM_SERVER || i == 0 ? ss : "", STW);
        /* notes */
        bool note = false;
#define NOTE(...)                                                                                  \
    do {                                                                                           \
        strbuf_put(&b, note ? "; " : "  ");                                                        \
        strbuf_printf(&b, __VA_ARGS__);                                                            \
        note = true;                                                                               \
    } while (0)
        if (st->state_before != st->state_after)
            NOTE("%s: %s → %s", sim_endpoint_name(st->endpoint), tcp_state_name(st->state_before),
                 tcp_state_name(st->state_after));
        if (st->retransmission)
            NOTE("retransmission");
        if (st->duplicate)
            NOTE("duplicate copy");
        if (st->kind == SIM_STEP_SEND && st->fault >= 0) {
            if (sc && (size_t)st->fault < sc->fault_count) {
                const sim_fault *f = &sc->faults[st->fault];
                if (f->action == SIM_FAULT_DROP)
                    NOTE("fault: drop");
                else
                    NOTE("fault: %s %lld ms", sim_fault_action_name(f->action),
                         (long long)f->extra_ms);
            } else {
                NOTE("fault #%d", st->fault);
            }
        }
        if (st->error)
            NOTE("error: %s", st->error);
        if (st->signal)
            NOTE("signal: %s", st->signal);
        if (st->queue_full)
            NOTE("dropped: %s queue full", st->queue_full == SIM_QUEUE_SYN ? "SYN" : "accept");
        if (st->syn_cookie)
            NOTE("SYN cookie");
        if (t->multi && (i == 0 || st->syn_queue != t->steps[i - 1].syn_queue ||
                         st->accept_queue != t->steps[i - 1].accept_queue))
            NOTE("queues: SYN %u, accept %u", st->syn_queue, st->accept_queue);
#undef NOTE
        sb_nl(&b);
    }
    if (t->multi) {
        const sim_listener_info *l = &t->listener;
        strbuf_printf(&b,
                      "final (t=%lld ms): listener %s, SYN queue %u of %u, accept queue %u of "
                      "%u\n",
                      (long long)t->end_ms, tcp_state_name(l->state), l->syn_queue, l->syn_backlog,
                      l->accept_queue, l->backlog);
        for (size_t i = 0; i < t->nconns; i++) {
            const sim_conn_info *c = &t->conns[i];
            char addr[16];
            sim_format_addr(c->addr, addr);
            strbuf_printf(
                &b, "  %s (%s:%u%s): client %s, server %s%s\n", c->name, addr, (unsigned)c->port,
                c->spoofed ? ", spoofed" : "", tcp_state_name(c->final[SIM_CLIENT].state),
                tcp_state_name(c->final[SIM_SERVER].state), c->accepted ? ", accepted" : "");
        }
        return strbuf_take(&b);
    }
    strbuf_printf(&b, "final (t=%lld ms): client %s, server %s\n", (long long)t->end_ms,
                  tcp_state_name(t->final[SIM_CLIENT].state),
                  tcp_state_name(t->final[SIM_SERVER].state));
    return strbuf_take(&b);
}

char *trace_to_text(const sim_trace *t)
{
    return trace_to_text_full(t, NULL);
}
