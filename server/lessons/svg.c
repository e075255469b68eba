/*
 * svg.c — the ladder diagram, the Figure 5 state diagram and the text buffer of svg.h.
 *
 * Owns: layout (time → y with long idle gaps compressed and marked by a break), arrow and
 * label geometry, the Figure 5 node positions, XML escaping.
 * Does not: run the engine or decide anything about TCP: every state, flag and number
 * drawn comes from the trace; every edge of the state diagram from tcp_fig5.h.
 *
 * Ladder layout. Steps are grouped into time slots (runs of equal t_ms). Inside a slot
 * each endpoint's steps take one row each (ROW px) in trace order, so a receive and the
 * segment it triggers are drawn one row apart; drop steps share their send's row and
 * inject steps the row of the receive that follows them. Between slots the gap grows
 * linearly up to 200 ms, logarithmically up to 5 s and is a fixed "break" beyond, drawn
 * as a dotted stretch of both lifelines with the elapsed time written across.
 */
#include "svg.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/tcp_fig5.h"

/* Opens a diagram: the <svg> element of class "tl-KIND-svg", w × h px, labelled by its
 * title and description (ids PRE-KIND-title, PRE-KIND-desc), and opens that <title>. */
static void svg_open(strbuf *b, const char *kind, double w, double h, const char *pre)
{
    strbuf_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tl-%s-svg\" "
                  "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
                  "aria-labelledby=\"%s-%s-title %s-%s-desc\" font-family=\"sans-serif\" "
                  "fill=\"currentColor\" font-size=\"12\">",
                  kind, w, h, w, h, pre, kind, pre, kind);
    strbuf_printf(b, "<title id=\"%s-%s-title\">", pre, kind);
}

char *svg_escape(const char *s)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_escape(&b, s ? s : "");
    strbuf_putn(&b, "", 0); /* allocates for an empty string */
    return strbuf_take(&b);
}

void svg_flags_text(unsigned flags, char *out, size_t out_size)
{
    size_t n = 0;
    if (out_size == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < TCP_FLAG_NAME_COUNT; i++) {
        uint8_t f = tcp_flag_order[i];
        if (!(flags & f))
            continue;
        const char *name = tcp_flag_name(f);
        int w = snprintf(out + n, out_size - n, "%s%s", n ? "," : "", name ? name : "?");
        if (w < 0 || (size_t)w >= out_size - n)
            return;
        n += (size_t)w;
    }
}

/* ---------------------------------------------------------------- shared helpers */

static bool is_zh(const char *locale)
{
    return locale && strcmp(locale, "zh-CN") == 0;
}

static const char *tr(const char *locale, const char *en, const char *zh)
{
    return is_zh(locale) ? zh : en;
}

/* "50 ms", "1.5 s", "240 s" (zh: 毫秒/秒). */
static void duration_text(int64_t ms, const char *locale, char *out, size_t n)
{
    if (ms < 1000)
        snprintf(out, n, "%lld %s", (long long)ms, tr(locale, "ms", "毫秒"));
    else if (ms % 1000 == 0)
        snprintf(out, n, "%lld %s", (long long)(ms / 1000), tr(locale, "s", "秒"));
    else {
        char frac[8];
        snprintf(frac, sizeof frac, "%03lld", (long long)(ms % 1000));
        for (int i = 2; i > 0 && frac[i] == '0'; i--)
            frac[i] = '\0';
        snprintf(out, n, "%lld.%s %s", (long long)(ms / 1000), frac, tr(locale, "s", "秒"));
    }
}

/* Arrowhead: a filled triangle with its tip at (x2,y2), pointing from (x1,y1). */
static void arrowhead(strbuf *b, double x1, double y1, double x2, double y2, const char *cls)
{
    double dx = x2 - x1, dy = y2 - y1, len = sqrt(dx * dx + dy * dy);
    if (len < 1e-6)
        return;
    double ux = dx / len, uy = dy / len, bx = x2 - ux * 9, by = y2 - uy * 9;
    strbuf_printf(b,
                  "<polygon class=\"%s\" points=\"%.0f,%.0f %.0f,%.0f %.0f,%.0f\" "
                  "stroke=\"none\"/>",
                  cls, x2, y2, bx - uy * 4, by + ux * 4, bx + uy * 4, by - ux * 4);
}

/* The upright angle (degrees) of the line (x1,y1)→(x2,y2). */
static double upright_deg(double x1, double y1, double x2, double y2)
{
    double deg = atan2(y2 - y1, x2 - x1) * 180.0 / M_PI;
    if (deg > 90.0)
        deg -= 180.0;
    else if (deg < -90.0)
        deg += 180.0;
    if (fabs(deg) < 0.05)
        deg = 0.0;
    return deg;
}

/* A 12 px label along the line (x1,y1)→(x2,y2) at fraction f, kept upright, 4 px above it
 * (side -1) or below it (side +1). */
static void line_label_at(strbuf *b, double x1, double y1, double x2, double y2, double f, int side,
                          const char *cls, const char *text)
{
    double mx = x1 + (x2 - x1) * f, my = y1 + (y2 - y1) * f;
    double deg = upright_deg(x1, y1, x2, y2);
    strbuf_printf(b,
                  "<text class=\"%s\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
                  "transform=\"rotate(%.1f %.0f %.0f)\">",
                  cls, mx, side > 0 ? my + 14 : my - 4, deg, mx, my);
    strbuf_escape(b, text);
    strbuf_put(b, "</text>");
}

static void line_label(strbuf *b, double x1, double y1, double x2, double y2, double f,
                       const char *cls, const char *text)
{
    line_label_at(b, x1, y1, x2, y2, f, -1, cls, text);
}

/* ---------------------------------------------------------------- label boxes */

/* A rotated rectangle: centre, half extents along its own axes, and its direction. */
typedef struct obox {
    double cx, cy, hw, hh, c, s;
} obox;

/* Estimated advance of `text` at `size` px: ASCII 0.62 em (monospace 0.6 em), a character
 * of three or more UTF-8 bytes (CJK, full-width punctuation) 1 em. Generous on purpose. */
static double text_width(const char *text, double size)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x80)
            w += 0.62;
        else if (*p >= 0xE0)
            w += 1.0;
        else if (*p >= 0xC0)
            w += 0.62;
    }
    return w * size;
}

static bool obox_hit(const obox *a, const obox *b)
{
    const obox *bx[2] = {a, b};
    for (int i = 0; i < 2; i++)
        for (int ax = 0; ax < 2; ax++) {
            double ux = ax ? -bx[i]->s : bx[i]->c, uy = ax ? bx[i]->c : bx[i]->s;
            double d = fabs((b->cx - a->cx) * ux + (b->cy - a->cy) * uy);
            double ra =
                fabs(a->hw * (a->c * ux + a->s * uy)) + fabs(a->hh * (-a->s * ux + a->c * uy));
            double rb =
                fabs(b->hw * (b->c * ux + b->s * uy)) + fabs(b->hh * (-b->s * ux + b->c * uy));
            if (d >= ra + rb)
                return false;
        }
    return true;
}

/* A growable list of boxes; `failed` once an allocation failed (the list is then partial). */
typedef struct boxes {
    obox *v;
    size_t n, cap;
    bool failed;
} boxes;

static void boxes_add(boxes *bs, obox o)
{
    if (bs->n == bs->cap) {
        size_t cap = bs->cap ? bs->cap * 2 : 64;
        obox *v = realloc(bs->v, cap * sizeof *v);
        if (!v) {
            bs->failed = true;
            return;
        }
        bs->v = v;
        bs->cap = cap;
    }
    bs->v[bs->n++] = o;
}

static bool boxes_hit(const boxes *bs, const obox *o)
{
    for (size_t i = 0; i < bs->n; i++)
        if (obox_hit(&bs->v[i], o))
            return true;
    return false;
}

/* The box of an unrotated <text> whose baseline starts (anchor start), ends (end) or is
 * centred (middle) at (x, y). */
static obox text_box(double x, double y, const char *anchor, double size, const char *text)
{
    double w = text_width(text, size);
    double cx = !strcmp(anchor, "start") ? x + w / 2 : !strcmp(anchor, "end") ? x - w / 2 : x;
    return (obox){cx, y - size * 0.35, w / 2 + 1, size * 0.6, 1, 0};
}

/* The box of that label. */
static obox line_label_box(double x1, double y1, double x2, double y2, double f, int side, double w)
{
    double mx = x1 + (x2 - x1) * f, my = y1 + (y2 - y1) * f;
    double a = upright_deg(x1, y1, x2, y2) * M_PI / 180.0, c = cos(a), sn = sin(a);
    double off = side > 0 ? 10 : -8.5; /* centre of the glyphs, across the line */
    return (obox){mx - sn * off, my + c * off, w / 2 + 1, 7, c, sn};
}

/* ---------------------------------------------------------------- ladder */

typedef struct ladder_layout {
    double *y;                 /* per step */
    int *match;                /* send step → receive step index, or -1 */
    bool *matched;             /* receive step already has an arrow */
    bool *crossing;            /* send step whose arrow crosses one going the other way */
    double *gap_from, *gap_to; /* break zones, where the lifelines are interrupted */
    size_t gaps;
    double bottom;
    /* Segment labels are placed in two passes: the first (placing == true) draws into a
     * scratch buffer, collecting the boxes of every other text and mark (fixed) and the
     * label requests in drawing order; the placement then gives each label, in that
     * order, the first position along its arrow that touches no fixed box and no label
     * placed before it (pos, side); the second pass draws with them. */
    bool placing;
    boxes fixed;
    struct label_req {
        double x1, y1, x2, y2, f, w, w_short;
        double pos;
        int side;       /* -1 above the line, +1 below */
        bool use_short; /* the short form of the text fits where the long one does not */
    } * req;
    size_t nreq, capreq, next_req;
    bool failed;
} ladder_layout;

enum {
    L_W = 680,
    L_XC = 180,
    L_XS = 500,
    L_HEAD = 22,
    L_INIT = 44,
    L_TOP = 70,
    L_ROW = 18,
    L_BREAK_MS = 5000,
    L_BREAK_GAP = 80,
};

/* A segment label on the ladder: in the first pass a request (and nothing drawn that
 * matters), in the second the placed label. */
static void seg_text(strbuf *b, ladder_layout *L, double x1, double y1, double x2, double y2,
                     double f, const char *text, const char *short_text)
{
    if (L->placing) {
        if (L->nreq == L->capreq) {
            size_t cap = L->capreq ? L->capreq * 2 : 32;
            struct label_req *v = realloc(L->req, cap * sizeof *v);
            if (!v) {
                L->failed = true;
                return;
            }
            L->req = v;
            L->capreq = cap;
        }
        double ws = short_text ? text_width(short_text, 12) : 0;
        L->req[L->nreq++] =
            (struct label_req){x1, y1, x2, y2, f, text_width(text, 12), ws, f, -1, false};
        return;
    }
    if (L->next_req < L->nreq) {
        const struct label_req *r = &L->req[L->next_req++];
        line_label_at(b, x1, y1, x2, y2, r->pos, r->side, "tl-seg-label",
                      r->use_short && short_text ? short_text : text);
    } else {
        line_label(b, x1, y1, x2, y2, f, "tl-seg-label", text);
    }
}

/* Places every requested label (see ladder_layout). Candidates: the preferred fraction,
 * then others spreading out from the middle, above the line before below it, keeping the
 * label between the lifelines where it fits; then the same with the short form of the text
 * if it has one; the preferred one if none is free. */
static void place_labels(ladder_layout *L)
{
    static const double fr[] = {0, 0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8, 0.15, 0.85};
    boxes placed = {0};
    for (size_t i = 0; i < L->nreq; i++) {
        struct label_req *r = &L->req[i];
        double len = hypot(r->x2 - r->x1, r->y2 - r->y1);
        bool done = false;
        for (int pass = 0; pass < 4 && !done; pass++) {
            bool sh = pass >= 2;
            double w = sh ? r->w_short : r->w;
            if (sh && r->w_short <= 0)
                break;
            for (size_t c = 0; c < sizeof fr / sizeof fr[0] && !done; c++)
                for (int side = -1; side <= 1 && !done; side += 2) {
                    double f = c == 0 ? r->f : fr[c];
                    double lo = f * len - w / 2, hi = f * len + w / 2;
                    if (pass % 2 == 0 && (lo < 16 || hi > len - 16))
                        continue; /* first try only positions clear of both lifelines */
                    obox o = line_label_box(r->x1, r->y1, r->x2, r->y2, f, side, w);
                    if (!boxes_hit(&L->fixed, &o) && !boxes_hit(&placed, &o)) {
                        r->pos = f;
                        r->side = side;
                        r->use_short = sh;
                        done = true;
                    }
                }
        }
        boxes_add(&placed, line_label_box(r->x1, r->y1, r->x2, r->y2, r->pos, r->side,
                                          r->use_short ? r->w_short : r->w));
    }
    if (placed.failed)
        L->failed = true;
    free(placed.v);
}

/* How far towards the peer a lost (or never received) segment's arrow goes. */
#define L_LOST_F 0.7

static double slot_gap(int64_t d)
{
    if (d <= 0)
        return 6;
    if (d <= 200)
        return 12 + 0.4 * (double)d;
    return 92 + 16 * log2((double)d / 200.0);
}

static bool same_seg(const tcp_segment *a, const tcp_segment *b)
{
    return a->seq == b->seq && a->ack == b->ack && a->flags == b->flags && a->len == b->len;
}

/* "SYN,ACK seq=300 ack=101"; in a listen-queue trace led by the step's connection ("c3: ", or
 * ":1025: " for a spoofed source, whose address the flood's sources share). */
static void seg_label(const sim_trace *t, const sim_step *st, const tcp_segment *s, char *out,
                      size_t n)
{
    char fl[32], who[SIM_NAME_MAX + 2] = "";
    svg_flags_text(s->flags, fl, sizeof fl);
    if (t->multi && st->conn >= 0 && (size_t)st->conn < t->nconns && t->conns[st->conn].spoofed)
        snprintf(who, sizeof who,
                 ":%u: ", (unsigned)t->conns[st->conn].port); /* short in a flood */
    else if (t->multi)
        snprintf(who, sizeof who, "%s: ", sim_trace_conn_name(t, st->conn));
    int w = snprintf(out, n, "%s%s seq=%lu", who, fl[0] ? fl : "-", (unsigned long)s->seq);
    if (w < 0 || (size_t)w >= n)
        return;
    if (s->flags & TCP_ACK)
        w += snprintf(out + w, n - (size_t)w, " ack=%lu", (unsigned long)s->ack);
    if (w >= 0 && (size_t)w < n && s->len)
        snprintf(out + w, n - (size_t)w, " len=%lu", (unsigned long)s->len);
}

static double lifeline_x(int endpoint)
{
    return endpoint == SIM_SERVER ? L_XS : L_XC;
}

/* A <text> at (x, y) with `anchor`; `small` ones (notes) get font-size 11. */
static void text_at(strbuf *b, ladder_layout *L, const char *cls, int x, double y, bool end,
                    bool small, const char *text)
{
    if (L->placing)
        boxes_add(&L->fixed, text_box(x, y, end ? "end" : "start", small ? 11 : 12, text));
    strbuf_printf(b, "<text class=\"%s\" x=\"%d\" y=\"%.0f\" text-anchor=\"%s\" %s>", cls, x, y,
                  end ? "end" : "start", small ? "font-size=\"11\"" : "");
    strbuf_escape(b, text);
    strbuf_put(b, "</text>");
}

/* The outside column where an endpoint's states are written. */
static void state_text(strbuf *b, ladder_layout *L, int ep, double y, const char *cls,
                       const char *state)
{
    bool server = ep == SIM_SERVER;
    text_at(b, L, cls, server ? L_XS + 10 : L_XC - 10, y + 4, !server, false, state);
}

/* A note just inside the lifeline, above the step's row (calls, timers, signals). */
static void inside_note(strbuf *b, ladder_layout *L, int ep, double y, const char *cls,
                        const char *text)
{
    bool server = ep == SIM_SERVER;
    text_at(b, L, cls, server ? L_XS - 6 : L_XC + 6, y - 3, server, true, text);
}

/* A small note in the outside column, under the state label. */
static void outside_note(strbuf *b, ladder_layout *L, int ep, double y, const char *cls,
                         const char *text)
{
    bool server = ep == SIM_SERVER;
    text_at(b, L, cls, server ? L_XS + 10 : L_XC - 10, y + 3, !server, true, text);
}

static void clock_glyph(strbuf *b, ladder_layout *L, double x, double y)
{
    if (L->placing)
        boxes_add(&L->fixed, (obox){x, y, 8, 8, 1, 0});
    strbuf_printf(b,
                  "<g class=\"tl-clock\"><circle cx=\"%.0f\" cy=\"%.0f\" r=\"6\" "
                  "fill=\"none\" stroke=\"currentColor\"/><path d=\"M %.0f %.0f V %.0f H %.0f\" "
                  "fill=\"none\" stroke=\"currentColor\"/></g>",
                  x, y, x, y, y - 4, x + 3);
    /* the path draws the hands from the centre: up, then right */
}

static bool layout_ladder(const sim_trace *t, ladder_layout *L, strbuf *breaks, const char *locale)
{
    size_t n = t->count;
    L->y = calloc(n ? n : 1, sizeof *L->y);
    L->match = calloc(n ? n : 1, sizeof *L->match);
    L->matched = calloc(n ? n : 1, sizeof *L->matched);
    L->crossing = calloc(n ? n : 1, sizeof *L->crossing);
    L->gap_from = calloc(n ? n : 1, sizeof *L->gap_from);
    L->gap_to = calloc(n ? n : 1, sizeof *L->gap_to);
    L->gaps = 0;
    if (!L->y || !L->match || !L->matched || !L->crossing || !L->gap_from || !L->gap_to)
        return false;
    double base = L_TOP;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        int rows[SIM_ENDPOINTS] = {0, 0};
        int64_t tslot = t->steps[i].t_ms;
        for (; j < n && t->steps[j].t_ms == tslot; j++) {
            const sim_step *s = &t->steps[j];
            int ep = (s->endpoint == SIM_SERVER) ? SIM_SERVER : SIM_CLIENT;
            if (s->kind == SIM_STEP_DROP && j > i) {
                L->y[j] = L->y[j - 1];
                continue;
            }
            if (s->kind == SIM_STEP_INJECT)
                continue; /* placed with the receive that follows */
            L->y[j] = base + rows[ep] * L_ROW;
            rows[ep]++;
            if (s->error || s->signal)
                rows[ep]++; /* its note hangs below, in the row the next step would take */
        }
        for (size_t k = i; k < j; k++)
            if (t->steps[k].kind == SIM_STEP_INJECT)
                L->y[k] = (k + 1 < j) ? L->y[k + 1] : base;
        int r = rows[0] > rows[1] ? rows[0] : rows[1];
        if (r == 0)
            r = 1;
        double next = base + (r - 1) * L_ROW;
        for (size_t k = i; k < j; k++) /* a lost segment's cross and label hang below it */
            if (t->steps[k].kind == SIM_STEP_DROP && L->y[k] + 36 > next)
                next = L->y[k] + 36;
        if (j < n) {
            int64_t d = t->steps[j].t_ms - tslot;
            if (d >= L_BREAK_MS) {
                double y0 = next + 14, y1 = next + L_BREAK_GAP - 14;
                L->gap_from[L->gaps] = y0;
                L->gap_to[L->gaps++] = y1;
                char dur[48];
                duration_text(d, locale, dur, sizeof dur);
                strbuf_printf(
                    breaks,
                    "<g class=\"tl-break\" data-ms=\"%lld\">"
                    "<path class=\"tl-break-line\" d=\"M %d %.0f V %.0f M %d %.0f V %.0f\" "
                    "fill=\"none\" stroke=\"currentColor\" stroke-dasharray=\"2 4\"/>"
                    "<path class=\"tl-break-mark\" d=\"M %d %.0f l 16 -6 M %d %.0f l 16 -6 "
                    "M %d %.0f l 16 -6 M %d %.0f l 16 -6\" fill=\"none\" stroke=\"currentColor\"/>",
                    (long long)d, L_XC, y0, y1, L_XS, y0, y1, L_XC - 8, y0 + 3, L_XC - 8, y1 + 3,
                    L_XS - 8, y0 + 3, L_XS - 8, y1 + 3);
                strbuf_printf(breaks,
                              "<text class=\"tl-break-label\" x=\"%d\" y=\"%.0f\" "
                              "text-anchor=\"middle\">",
                              (L_XC + L_XS) / 2, (y0 + y1) / 2 + 4);
                char label[96];
                snprintf(label, sizeof label, tr(locale, "… %s later …", "…… %s之后 ……"), dur);
                boxes_add(&L->fixed,
                          text_box((L_XC + L_XS) / 2.0, (y0 + y1) / 2 + 4, "middle", 12, label));
                strbuf_escape(breaks, label);
                strbuf_put(breaks, "</text></g>");
                base = next + L_BREAK_GAP;
            } else {
                base = next + slot_gap(d);
            }
        } else {
            base = next;
        }
        i = j;
    }
    L->bottom = base + 30;

    /* Pair each send with the receive of the same segment at the peer (FIFO). */
    for (size_t k = 0; k < n; k++)
        L->match[k] = -1;
    for (size_t k = 0; k < n; k++) {
        const sim_step *s = &t->steps[k];
        if (s->kind != SIM_STEP_SEND || !s->has_segment)
            continue;
        if (k + 1 < n && t->steps[k + 1].kind == SIM_STEP_DROP &&
            t->steps[k + 1].endpoint == s->endpoint && same_seg(&t->steps[k + 1].seg, &s->seg))
            continue;
        for (size_t m = k + 1; m < n; m++) {
            const sim_step *r = &t->steps[m];
            if (r->kind == SIM_STEP_RECEIVE && !r->duplicate && !L->matched[m] &&
                r->endpoint != s->endpoint && r->has_segment && same_seg(&r->seg, &s->seg) &&
                !(m > 0 && t->steps[m - 1].kind == SIM_STEP_INJECT)) {
                L->match[k] = (int)m;
                L->matched[m] = true;
                break;
            }
        }
    }
    /* Arrows in flight at the same time in opposite directions cross near their middles;
     * their labels then move towards their senders. Only nearby steps are compared, so
     * this stays linear in the trace length. */
    for (size_t k = 0; k < n; k++) {
        if (L->match[k] < 0)
            continue;
        size_t lo = k > 64 ? k - 64 : 0, hi = k + 64 < n ? k + 64 : n;
        for (size_t k2 = lo; k2 < hi; k2++) {
            if (k2 == k || L->match[k2] < 0 || t->steps[k2].endpoint == t->steps[k].endpoint)
                continue;
            double a0 = L->y[k], a1 = L->y[L->match[k]];
            double b0 = L->y[k2], b1 = L->y[L->match[k2]];
            if ((a0 > b0 ? a0 : b0) < (a1 < b1 ? a1 : b1))
                L->crossing[k] = true;
        }
    }
    return true;
}

static void layout_free(ladder_layout *L)
{
    free(L->fixed.v);
    free(L->req);
    free(L->y);
    free(L->match);
    free(L->matched);
    free(L->crossing);
    free(L->gap_from);
    free(L->gap_to);
}

static void ladder_desc(strbuf *b, const sim_trace *t, const char *locale)
{
    size_t sent = 0, lost = 0, retx = 0;
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *s = &t->steps[i];
        sent += s->kind == SIM_STEP_SEND;
        lost += s->kind == SIM_STEP_DROP;
        retx += s->kind == SIM_STEP_SEND && s->retransmission;
    }
    strbuf_printf(b,
                  tr(locale, "%zu steps, %zu segments sent, %zu lost, %zu retransmitted. ",
                     "共 %zu 步，发送 %zu 个报文段，丢失 %zu 个，重传 %zu 个。"),
                  t->count, sent, lost, retx);
    for (int ep = 0; ep < SIM_ENDPOINTS; ep++) {
        strbuf_put(b, ep == SIM_CLIENT ? tr(locale, "Client: ", "客户端：")
                                       : tr(locale, " Server: ", " 服务器："));
        int last = -1;
        for (size_t i = 0; i < t->count; i++) {
            const sim_step *s = &t->steps[i];
            if (s->endpoint != ep)
                continue;
            if (last < 0) {
                strbuf_put(b, tcp_state_name(s->state_before));
                last = (int)s->state_before;
            }
            if ((int)s->state_after != last) {
                strbuf_put(b, " → ");
                strbuf_put(b, tcp_state_name(s->state_after));
                last = (int)s->state_after;
            }
        }
        if (last < 0)
            strbuf_put(b, tcp_state_name(t->final[ep].state));
        strbuf_put(b, ".");
    }
}

static tcp_state initial_state(const sim_trace *t, int ep)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->steps[i].endpoint == ep)
            return t->steps[i].state_before;
    return t->final[ep].state;
}

static void draw_send(strbuf *b, const sim_trace *t, ladder_layout *L, size_t k, const char *locale)
{
    const sim_step *s = &t->steps[k];
    char lab[160], seg[128];
    seg_label(t, s, &s->seg, seg, sizeof seg);
    char short_lab[160];
    snprintf(short_lab, sizeof short_lab, "%s ↻", seg);
    if (s->retransmission)
        snprintf(lab, sizeof lab, "%s %s", seg, tr(locale, "(retransmission)", "（重传）"));
    else
        snprintf(lab, sizeof lab, "%s", seg);
    const char *alt = s->retransmission ? short_lab : NULL;
    int from = s->endpoint == SIM_SERVER ? SIM_SERVER : SIM_CLIENT;
    double x1 = lifeline_x(from), y1 = L->y[k], x2, y2;
    bool dropped = k + 1 < t->count && t->steps[k + 1].kind == SIM_STEP_DROP &&
                   t->steps[k + 1].endpoint == s->endpoint;
    const char *extra = s->retransmission ? " tl-retransmission" : "";
    const char *dash = s->retransmission ? " stroke-dasharray=\"6 4\"" : "";
    if (L->match[k] >= 0) {
        x2 = lifeline_x(1 - from);
        y2 = L->y[L->match[k]];
    } else {
        x2 = x1 + (lifeline_x(1 - from) - x1) * L_LOST_F;
        y2 = y1 + 26;
    }
    strbuf_printf(
        b,
        "<g class=\"tl-segment%s%s\"><line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
        "stroke=\"currentColor\"%s/>",
        extra, dropped ? " tl-lost" : (L->match[k] < 0 ? " tl-unarrived" : ""), x1, y1, x2, y2,
        dash);
    if (!dropped)
        arrowhead(b, x1, y1, x2, y2, "tl-arrowhead");
    /* long (delayed) arrows cross others near their middle: label them nearer the sender */
    if (L->match[k] >= 0) {
        seg_text(b, L, x1, y1, x2, y2, L->crossing[k] ? 0.23 : (y2 - y1 > 90 ? 0.3 : 0.5), lab,
                 alt);
    } else {
        /* a short (lost) arrow: its label may run on along the same line towards the peer */
        double xf = lifeline_x(1 - from), yf = y1 + (y2 - y1) / L_LOST_F;
        seg_text(b, L, x1, y1, xf, yf, 0.3, lab, alt);
    }
    strbuf_put(b, "</g>");
}

static void draw_drop(strbuf *b, const sim_trace *t, ladder_layout *L, size_t k, const char *locale)
{
    const sim_step *s = &t->steps[k];
    int from = s->endpoint == SIM_SERVER ? SIM_SERVER : SIM_CLIENT;
    double x1 = lifeline_x(from), y1 = L->y[k];
    double x2 = x1 + (lifeline_x(1 - from) - x1) * L_LOST_F, y2 = y1 + 26;
    strbuf_printf(b,
                  "<g class=\"tl-cross\"><path d=\"M %.0f %.0f l 10 10 M %.0f %.0f l -10 10\" "
                  "fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/>",
                  x2 - 5, y2 - 5, x2 + 5, y2 - 5);
    strbuf_printf(b,
                  "<text class=\"tl-lost-label\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
                  "font-size=\"11\">",
                  x2, y2 + 18);
    if (L->placing) {
        boxes_add(&L->fixed, (obox){x2, y2, 7, 7, 1, 0});
        boxes_add(&L->fixed, text_box(x2, y2 + 18, "middle", 11, tr(locale, "lost", "丢失")));
    }
    strbuf_escape(b, tr(locale, "lost", "丢失"));
    strbuf_put(b, "</text></g>");
}

static void draw_inject(strbuf *b, const sim_trace *t, ladder_layout *L, size_t k,
                        const char *locale)
{
    const sim_step *s = &t->steps[k];
    int to = s->endpoint == SIM_SERVER ? SIM_SERVER : SIM_CLIENT;
    double x2 = lifeline_x(to), y2 = L->y[k];
    double x1 = (L_XC + L_XS) / 2.0, y1 = y2 - 30;
    char seg[128], lab[192];
    seg_label(t, s, &s->seg, seg, sizeof seg);
    snprintf(lab, sizeof lab, "%s %s", tr(locale, "injected", "注入"), seg);
    strbuf_printf(b,
                  "<g class=\"tl-segment tl-injected\"><circle cx=\"%.0f\" cy=\"%.0f\" r=\"3\" "
                  "/><line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
                  "stroke=\"currentColor\" stroke-dasharray=\"2 3\"/>",
                  x1, y1, x1, y1, x2, y2);
    arrowhead(b, x1, y1, x2, y2, "tl-arrowhead");
    seg_text(b, L, x1, y1, x2, y2, 0.5, lab, NULL);
    strbuf_put(b, "</g>");
}

static void draw_duplicate(strbuf *b, const sim_trace *t, ladder_layout *L, size_t k,
                           const char *locale)
{
    /* The copy made by a duplicate fault: an extra arrow from the latest matching send. */
    const sim_step *r = &t->steps[k];
    for (size_t m = k; m-- > 0;) {
        const sim_step *s = &t->steps[m];
        if (s->kind == SIM_STEP_SEND && s->endpoint != r->endpoint && same_seg(&s->seg, &r->seg)) {
            double x1 = lifeline_x(s->endpoint), y1 = L->y[m];
            double x2 = lifeline_x(r->endpoint), y2 = L->y[k];
            char seg[128], lab[192];
            seg_label(t, r, &r->seg, seg, sizeof seg);
            snprintf(lab, sizeof lab, "%s %s", seg, tr(locale, "(duplicate)", "（重复副本）"));
            strbuf_printf(b,
                          "<g class=\"tl-segment tl-duplicate\"><line x1=\"%.0f\" y1=\"%.0f\" "
                          "x2=\"%.0f\" y2=\"%.0f\" stroke=\"currentColor\" "
                          "stroke-dasharray=\"1 3\"/>",
                          x1, y1, x2, y2);
            arrowhead(b, x1, y1, x2, y2, "tl-arrowhead");
            seg_text(b, L, x1, y1, x2, y2, 0.7, lab, NULL);
            strbuf_put(b, "</g>");
            return;
        }
    }
}

/* Whether send step `m` carries something the retransmission timer guards (SYN, FIN or
 * data: RFC 9293 §3.8.1). */
static bool guarded_send(const sim_trace *t, size_t m, int endpoint)
{
    const sim_step *s = &t->steps[m];
    return s->kind == SIM_STEP_SEND && s->endpoint == endpoint && s->has_segment &&
           ((s->seg.flags & (TCP_SYN | TCP_FIN)) || s->seg.len > 0);
}

/* The retransmission timeout that just expired, as a bracket in the endpoint's outside
 * column with its length ("RTO 2 s"): from the latest send of the segment retransmitted
 * next to this expiry, or, when the expiry gives up instead (nothing retransmitted, the
 * endpoint leaves for CLOSED), from the endpoint's latest send of a SYN, FIN or data.
 * Nothing when the trace does not show that send. */
static void rto_bracket(strbuf *b, const sim_trace *t, ladder_layout *L, size_t k,
                        const char *locale)
{
    const sim_step *s = &t->steps[k];
    const sim_step *rtx = NULL;
    for (size_t m = k + 1; m < t->count && t->steps[m].t_ms == s->t_ms; m++)
        if (t->steps[m].kind == SIM_STEP_SEND && t->steps[m].endpoint == s->endpoint &&
            t->steps[m].retransmission && t->steps[m].has_segment) {
            rtx = &t->steps[m];
            break;
        }
    bool give_up = !rtx && s->state_after == TCP_CLOSED && s->state_before != TCP_CLOSED;
    if (!rtx && !give_up)
        return;
    size_t from = k;
    for (size_t m = k; m-- > 0;) {
        if (give_up ? guarded_send(t, m, s->endpoint)
                    : t->steps[m].kind == SIM_STEP_SEND && t->steps[m].endpoint == s->endpoint &&
                          t->steps[m].has_segment && t->steps[m].seg.seq == rtx->seg.seq &&
                          (t->steps[m].seg.flags & (TCP_SYN | TCP_FIN)) ==
                              (rtx->seg.flags & (TCP_SYN | TCP_FIN))) {
            from = m;
            break;
        }
    }
    if (from == k)
        return;
    bool server = s->endpoint == SIM_SERVER;
    double y0 = L->y[from] + 8, y1 = L->y[k] - 2;
    if (y1 - y0 < 16)
        return;
    double x = server ? L_XS + 16 : L_XC - 16, tick = server ? -6 : 6;
    char dur[48], label[64];
    duration_text(s->t_ms - t->steps[from].t_ms, locale, dur, sizeof dur);
    snprintf(label, sizeof label, "RTO %s", dur);
    strbuf_printf(
        b,
        "<g class=\"tl-rto%s\" data-ms=\"%lld\"><path d=\"M %.0f %.0f h %.0f V %.0f h %.0f\" "
        "fill=\"none\" stroke=\"currentColor\"/>",
        give_up ? " tl-rto-give-up" : "", (long long)(s->t_ms - t->steps[from].t_ms), x + tick, y0,
        -tick, y1, tick);
    double ly = (y0 + y1) / 2 + 4;
    int lx = (int)(server ? x + 5 : x - 5);
    if (L->placing)
        boxes_add(&L->fixed, text_box(lx, ly, server ? "start" : "end", 11, label));
    strbuf_printf(b,
                  "<text class=\"tl-rto-label\" x=\"%d\" y=\"%.0f\" text-anchor=\"%s\" "
                  "font-size=\"11\">",
                  lx, ly, server ? "start" : "end");
    strbuf_escape(b, label);
    strbuf_put(b, "</text></g>");
}

static const char *call_text(const sim_trace *t, const sim_step *s, const char *locale, char *buf,
                             size_t n)
{
    char who[SIM_NAME_MAX + 2] = "";
    if (t->multi && s->conn != SIM_CONN_LISTENER)
        snprintf(who, sizeof who, "%s: ", sim_trace_conn_name(t, s->conn));
    if (s->call == TCP_CALL_SEND)
        snprintf(buf, n, tr(locale, "%ssend(%lu bytes)", "%ssend(%lu 字节)"), who,
                 (unsigned long)s->bytes);
    else
        snprintf(buf, n, "%s%s()", who, sim_call_name(s->call));
    return buf;
}

/* The steps of the ladder, one <g class="tl-step"> each. */
static void ladder_steps(strbuf *b, const sim_trace *t, ladder_layout *L, const char *locale)
{
    int64_t last_t = INT64_MIN;
    for (size_t k = 0; k < t->count; k++) {
        const sim_step *s = &t->steps[k];
        int ep = s->endpoint == SIM_SERVER ? SIM_SERVER : SIM_CLIENT;
        double y = L->y[k];
        strbuf_printf(b, "<g class=\"tl-step tl-step-%s\" data-step=\"%zu\">",
                      sim_step_kind_name(s->kind), k + 1);
        if (s->t_ms != last_t && s->kind != SIM_STEP_INJECT) {
            char dur[48];
            duration_text(s->t_ms, locale, dur, sizeof dur);
            strbuf_printf(b,
                          "<text class=\"tl-time\" x=\"4\" y=\"%.0f\" font-size=\"11\" "
                          ">",
                          y + 4);
            if (L->placing)
                boxes_add(&L->fixed, text_box(4, y + 4, "start", 11, dur));
            strbuf_escape(b, dur);
            strbuf_put(b, "</text>");
            last_t = s->t_ms;
        }
        char note[160];
        switch (s->kind) {
        case SIM_STEP_CALL:
            call_text(t, s, locale, note, sizeof note);
            inside_note(b, L, ep, y, "tl-call", note);
            strbuf_printf(b,
                          "<circle class=\"tl-call-dot\" cx=\"%.0f\" cy=\"%.0f\" r=\"3\" "
                          "/>",
                          lifeline_x(ep), y);
            break;
        case SIM_STEP_SEND:
            draw_send(b, t, L, k, locale);
            break;
        case SIM_STEP_DROP:
            draw_drop(b, t, L, k, locale);
            break;
        case SIM_STEP_INJECT:
            draw_inject(b, t, L, k, locale);
            break;
        case SIM_STEP_RECEIVE:
            if (s->duplicate)
                draw_duplicate(b, t, L, k, locale);
            strbuf_printf(b,
                          "<circle class=\"tl-arrival\" cx=\"%.0f\" cy=\"%.0f\" r=\"2.5\" "
                          "/>",
                          lifeline_x(ep), y);
            break;
        case SIM_STEP_TIMEOUT:
            if (s->timer != SIM_TIMER_TIME_WAIT)
                rto_bracket(b, t, L, k, locale);
            clock_glyph(b, L, lifeline_x(ep), y);
            inside_note(b, L, ep, y - 4, "tl-timer",
                        s->timer == SIM_TIMER_TIME_WAIT
                            ? tr(locale, "2MSL timer expires", "2MSL 计时器到期")
                        : s->state_after == TCP_CLOSED && s->state_before != TCP_CLOSED
                            ? tr(locale, "timeout: give up", "超时：放弃连接")
                            : tr(locale, "retransmission timeout", "重传超时"));
            break;
        }
        if (s->error || s->signal) {
            snprintf(note, sizeof note, "“%s”", s->error ? s->error : s->signal);
            outside_note(b, L, ep, y + 16, s->error ? "tl-error" : "tl-signal", note);
        }
        if (s->state_after != s->state_before && s->kind != SIM_STEP_DROP)
            state_text(b, L, ep, y, "tl-state-label", tcp_state_name(s->state_after));
        strbuf_put(b, "</g>");
    }
}

void svg_ladder_to(strbuf *b, const sim_trace *t, const char *title, const char *id_prefix,
                   const char *locale)
{
    ladder_layout L = {0};
    strbuf breaks;
    strbuf_init(&breaks);
    if (!layout_ladder(t, &L, &breaks, locale)) {
        layout_free(&L);
        strbuf_cleanup(&breaks);
        b->failed = true;
        return;
    }
    /* first pass: the boxes of every fixed text and mark, and the label requests */
    strbuf scratch;
    strbuf_init(&scratch);
    L.placing = true;
    for (int ep = 0; ep < SIM_ENDPOINTS; ep++)
        state_text(&scratch, &L, ep, L_INIT, "", tcp_state_name(initial_state(t, ep)));
    ladder_steps(&scratch, t, &L, locale);
    strbuf_cleanup(&scratch);
    L.placing = false;
    place_labels(&L);
    if (L.fixed.failed)
        L.failed = true;

    const char *pre = id_prefix ? id_prefix : "tl";
    double h = L.bottom;
    svg_open(b, "ladder", L_W, h, pre);
    strbuf_escape(b, tr(locale, "Sequence diagram: ", "时序图："));
    strbuf_escape(b, title && *title ? title : tr(locale, "scenario", "场景"));
    strbuf_printf(b, "</title><desc id=\"%s-ladder-desc\">", pre);
    strbuf escdesc;
    strbuf_init(&escdesc);
    ladder_desc(&escdesc, t, locale);
    strbuf_escape(b, escdesc.data ? escdesc.data : "");
    strbuf_cleanup(&escdesc);
    strbuf_put(b, "</desc>");

    /* Lifelines (solid; the break stretches are overdrawn dotted by the break groups). */
    for (int ep = 0; ep < SIM_ENDPOINTS; ep++) {
        double x = lifeline_x(ep);
        strbuf_printf(b,
                      "<g class=\"tl-lifeline\" data-endpoint=\"%s\"><text class=\"tl-endpoint\" "
                      "x=\"%.0f\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\" "
                      ">",
                      sim_endpoint_name(ep), x, L_HEAD);
        strbuf_escape(b, ep == SIM_CLIENT ? tr(locale, "Client", "客户端")
                                          : tr(locale, "Server", "服务器"));
        strbuf_printf(b, "</text><path class=\"tl-lifeline-line\" d=\"M %.0f %d", x, L_HEAD + 8);
        for (size_t g = 0; g < L.gaps; g++)
            strbuf_printf(b, " V %.0f M %.0f %.0f", L.gap_from[g], x, L.gap_to[g]);
        strbuf_printf(b, " V %.0f\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"/>",
                      h - 10);
        state_text(b, &L, ep, L_INIT, "tl-state-label tl-initial",
                   tcp_state_name(initial_state(t, ep)));
        strbuf_put(b, "</g>");
    }
    if (breaks.data)
        strbuf_put(b, breaks.data);
    if (breaks.failed)
        b->failed = true;
    strbuf_cleanup(&breaks);

    ladder_steps(b, t, &L, locale);
    if (L.failed)
        b->failed = true;
    strbuf_put(b, "</svg>");
    layout_free(&L);
}

char *svg_ladder(const sim_trace *t, const char *title, const char *id_prefix, const char *locale)
{
    strbuf b;
    strbuf_init(&b);
    svg_ladder_to(&b, t, title, id_prefix, locale);
    return strbuf_take(&b);
}

/* ---------------------------------------------------------------- Figure 5 */

enum { F_W = 740, F_H = 800, F_HW = 66, F_HH = 18 };

/* Node positions after the RFC's ASCII figure. CLOSED appears twice, as in the figure:
 * at the top, and bottom right (where LAST-ACK and TIME-WAIT end). */
typedef struct fnode {
    tcp_state st;
    double x, y;
} fnode;
static const fnode fig_nodes[] = {
    {TCP_CLOSED, 370, 40},      {TCP_LISTEN, 370, 160},      {TCP_SYN_RECEIVED, 110, 290},
    {TCP_SYN_SENT, 630, 290},   {TCP_ESTABLISHED, 370, 410}, {TCP_FIN_WAIT_1, 110, 530},
    {TCP_CLOSE_WAIT, 630, 530}, {TCP_FIN_WAIT_2, 110, 650},  {TCP_CLOSING, 370, 650},
    {TCP_LAST_ACK, 630, 650},   {TCP_TIME_WAIT, 370, 760},   {TCP_CLOSED, 630, 760},
};
#define FIG_NODE_COUNT (sizeof fig_nodes / sizeof fig_nodes[0])

static const fnode *node_of(tcp_state st, tcp_state other)
{
    if (st == TCP_CLOSED) {
        /* the lower half of the figure uses the bottom CLOSED */
        const fnode *o = NULL;
        for (size_t i = 0; i < FIG_NODE_COUNT; i++)
            if (fig_nodes[i].st == other)
                o = &fig_nodes[i];
        return (o && o->y >= 400) ? &fig_nodes[FIG_NODE_COUNT - 1] : &fig_nodes[0];
    }
    for (size_t i = 0; i < FIG_NODE_COUNT; i++)
        if (fig_nodes[i].st == st)
            return &fig_nodes[i];
    return &fig_nodes[0];
}

/* Point where the ray from the box centre (cx,cy) towards (tx,ty) leaves the box. */
static void clip_box(double cx, double cy, double tx, double ty, double *ox, double *oy)
{
    double dx = tx - cx, dy = ty - cy;
    double sx = fabs(dx) > 1e-9 ? F_HW / fabs(dx) : 1e9;
    double sy = fabs(dy) > 1e-9 ? F_HH / fabs(dy) : 1e9;
    double s = sx < sy ? sx : sy;
    if (s > 1)
        s = 1;
    *ox = cx + dx * s;
    *oy = cy + dy * s;
}

typedef struct visit {
    bool state[TCP_STATE_COUNT];
    bool edge[TCP_STATE_COUNT][TCP_STATE_COUNT];
} visit;

static void collect_visits(const sim_trace *t, visit *v)
{
    memset(v, 0, sizeof *v);
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *s = &t->steps[i];
        if ((unsigned)s->state_before >= TCP_STATE_COUNT ||
            (unsigned)s->state_after >= TCP_STATE_COUNT)
            continue;
        v->state[s->state_before] = v->state[s->state_after] = true;
        if (s->state_before != s->state_after)
            v->edge[s->state_before][s->state_after] = true;
    }
}

/* Hand-placed labels where the default (curve midpoint, left of the direction of travel)
 * would sit on another edge: fraction along the curve and side (+1 left, -1 right). */
static const struct {
    tcp_state from, to;
    double t;
    int side;
} label_tweaks[] = {
    {TCP_CLOSED, TCP_SYN_SENT, 0.75, 0},       {TCP_LISTEN, TCP_SYN_SENT, 0.3, 0},
    {TCP_FIN_WAIT_1, TCP_CLOSING, 0.3, 0},     {TCP_CLOSING, TCP_TIME_WAIT, 0.5, -1},
    {TCP_FIN_WAIT_1, TCP_TIME_WAIT, 0.38, -1},
};

/* Where an edge label goes for fraction lt along the curve and side ±1; its box. */
static void edge_label_pos(double sx, double sy, double cx, double cy, double ex, double ey,
                           double nx, double ny, double lt, double side, bool two_lines,
                           const char *event, const char *action, double *lx, double *ly,
                           const char **anchor, obox *box)
{
    double u = 1 - lt;
    *lx = u * u * sx + 2 * u * lt * cx + lt * lt * ex + nx * 8 * side;
    *ly = u * u * sy + 2 * u * lt * cy + lt * lt * ey + ny * 8 * side;
    if (ny * side < -0.7 && two_lines)
        *ly -= 12; /* a two-line label above a flat edge: keep its second line off the edge */
    else if (ny * side > 0.7)
        *ly += 8;
    *anchor = fabs(nx) < 0.3 ? "middle" : ((nx * side) > 0 ? "start" : "end");
    double w = text_width(event, 11), wa = two_lines ? text_width(action, 11) : 0;
    if (wa > w)
        w = wa;
    double top = *ly - 2 - 11, bottom = *ly - 2 + (two_lines ? 13 : 0) + 4;
    double cxb = !strcmp(*anchor, "start") ? *lx + w / 2
                 : !strcmp(*anchor, "end") ? *lx - w / 2
                                           : *lx;
    *box = (obox){cxb, (top + bottom) / 2, w / 2 + 1, (bottom - top) / 2, 1, 0};
}

/* An edge of the diagram, its label at the hand-placed or default position unless that
 * touches a state box or a label placed before (`placed`), then at the first free one of
 * a few others along the curve, on either side. */
static void draw_edge(strbuf *b, strbuf *labels, boxes *placed, tcp_state from, tcp_state to,
                      const char *event, const char *action, double bend, const char *cls,
                      bool dashed)
{
    double lt = 0.5;
    double side = bend >= 0 ? 1 : -1;
    for (size_t i = 0; i < sizeof label_tweaks / sizeof label_tweaks[0]; i++)
        if (label_tweaks[i].from == from && label_tweaks[i].to == to) {
            lt = label_tweaks[i].t;
            if (label_tweaks[i].side)
                side = label_tweaks[i].side;
        }
    bool visited = strstr(cls, "tl-visited") != NULL;
    const fnode *a = node_of(from, to), *z = node_of(to, from);
    double mx = (a->x + z->x) / 2, my = (a->y + z->y) / 2;
    double dx = z->x - a->x, dy = z->y - a->y, len = sqrt(dx * dx + dy * dy);
    if (len < 1)
        len = 1;
    double nx = -dy / len, ny = dx / len; /* left-hand normal */
    double cx = mx + nx * bend, cy = my + ny * bend;
    double sx, sy, ex, ey;
    clip_box(a->x, a->y, cx, cy, &sx, &sy);
    clip_box(z->x, z->y, cx, cy, &ex, &ey);
    strbuf_printf(b, "<g class=\"%s\" data-from=\"%s\" data-to=\"%s\">", cls, tcp_state_name(from),
                  tcp_state_name(to));
    strbuf_printf(b,
                  "<path d=\"M %.0f %.0f Q %.0f %.0f %.0f %.0f\" fill=\"none\" "
                  "stroke=\"currentColor\"%s%s/>",
                  sx, sy, cx, cy, ex, ey, dashed ? " stroke-dasharray=\"5 4\"" : "",
                  visited ? " stroke-width=\"2.5\"" : "");
    arrowhead(b, cx, cy, ex, ey, "tl-arrowhead");
    /* label near the curve, pushed a little further along the normal */
    static const double alt[] = {0, 0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75};
    bool two = action && *action;
    double lx, ly;
    const char *anchor;
    obox box;
    edge_label_pos(sx, sy, cx, cy, ex, ey, nx, ny, lt, side, two, event, action, &lx, &ly, &anchor,
                   &box);
    bool free_here = !boxes_hit(placed, &box);
    for (size_t i = 1; !free_here && i < 2 * (sizeof alt / sizeof alt[0]); i++) {
        double lx2, ly2;
        const char *anchor2;
        obox box2;
        edge_label_pos(sx, sy, cx, cy, ex, ey, nx, ny, i % 8 ? alt[i % 8] : lt,
                       i < 8 ? side : -side, two, event, action, &lx2, &ly2, &anchor2, &box2);
        if (!boxes_hit(placed, &box2)) {
            lx = lx2, ly = ly2, anchor = anchor2, box = box2;
            free_here = true;
        }
    }
    boxes_add(placed, box);
    strbuf_put(b, "</g>");
    /* the label in a group of its own (same classes and ends, tl-edge-text instead of
     * tl-edge), drawn after every edge line so that its halo (app.css) keeps it readable
     * where another edge crosses it */
    const char *rest = strncmp(cls, "tl-edge", 7) ? cls : cls + 7;
    strbuf_printf(labels, "<g class=\"tl-edge-text%s\" data-from=\"%s\" data-to=\"%s\">", rest,
                  tcp_state_name(from), tcp_state_name(to));
    strbuf_printf(labels,
                  "<text class=\"tl-edge-label\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"%s\" "
                  "font-size=\"11\"><tspan class=\"tl-event\">",
                  lx, ly - 2, anchor);
    strbuf_escape(labels, event);
    strbuf_put(labels, "</tspan>");
    if (action && *action) {
        strbuf_printf(labels, "<tspan class=\"tl-action\" x=\"%.0f\" dy=\"13\">", lx);
        strbuf_escape(labels, action);
        strbuf_put(labels, "</tspan>");
    }
    strbuf_put(labels, "</text></g>");
}

static bool fig5_has(tcp_state from, tcp_state to)
{
    for (size_t i = 0; i < tcp_fig5_edge_count; i++)
        if (tcp_fig5_edges[i].from == from && tcp_fig5_edges[i].to == to)
            return true;
    for (size_t i = 0; i < tcp_fig5_note_edge_count; i++)
        if (tcp_fig5_note_edges[i].from == from && tcp_fig5_note_edges[i].to == to)
            return true;
    return false;
}

void svg_state_diagram_to(strbuf *b, const sim_trace *t, const char *id_prefix, const char *locale)
{
    visit v;
    collect_visits(t, &v);
    const char *pre = id_prefix ? id_prefix : "tl";
    svg_open(b, "fig5", F_W, F_H, pre);
    strbuf_escape(b, tr(locale, "TCP connection state diagram (RFC 9293, Figure 5)",
                        "TCP 连接状态图（RFC 9293 图 5）"));
    strbuf_printf(b, "</title><desc id=\"%s-fig5-desc\">", pre);
    strbuf_escape(b, tr(locale, "States this trace visits: ", "本轨迹经过的状态："));
    bool any = false;
    for (int s = 0; s < TCP_STATE_COUNT; s++)
        if (v.state[s]) {
            strbuf_put(b, any ? ", " : "");
            strbuf_put(b, tcp_state_name((tcp_state)s));
            any = true;
        }
    if (!any)
        strbuf_put(b, "-");
    strbuf_put(b, ".</desc>");

    /* the state boxes are fixed; edge labels avoid them and each other */
    boxes placed = {0};
    strbuf labels;
    strbuf_init(&labels);
    for (size_t i = 0; i < FIG_NODE_COUNT; i++)
        boxes_add(&placed, (obox){fig_nodes[i].x, fig_nodes[i].y, F_HW + 2, F_HH + 2, 1, 0});
    /* edges first, so nodes are drawn over their ends */
    for (size_t i = 0; i < tcp_fig5_edge_count; i++) {
        const tcp_fig5_edge *e = &tcp_fig5_edges[i];
        double bend = 0;
        for (size_t j = 0; j < tcp_fig5_edge_count; j++)
            if (tcp_fig5_edges[j].from == e->to && tcp_fig5_edges[j].to == e->from)
                bend = 22;
        bool vis = v.edge[e->from][e->to];
        draw_edge(b, &labels, &placed, e->from, e->to, e->event, e->action, bend,
                  vis ? "tl-edge tl-visited" : "tl-edge", false);
    }
    for (size_t i = 0; i < tcp_fig5_note_edge_count; i++) {
        const tcp_fig5_edge *e = &tcp_fig5_note_edges[i];
        bool vis = v.edge[e->from][e->to];
        draw_edge(b, &labels, &placed, e->from, e->to, e->event, e->action, -30,
                  vis ? "tl-edge tl-note-edge tl-visited" : "tl-edge tl-note-edge", true);
    }
    /* transitions the trace made that Figure 5 does not draw (RST, abort, timeouts …) */
    for (int f = 0; f < TCP_STATE_COUNT; f++)
        for (int to = 0; to < TCP_STATE_COUNT; to++)
            if (v.edge[f][to] && !fig5_has((tcp_state)f, (tcp_state)to))
                draw_edge(b, &labels, &placed, (tcp_state)f, (tcp_state)to,
                          tr(locale, "(not in Figure 5)", "（图 5 未画出）"), "", 36,
                          "tl-edge tl-offdiagram tl-visited", true);

    if (placed.failed || labels.failed)
        b->failed = true;
    if (labels.data)
        strbuf_putn(b, labels.data, labels.len);
    strbuf_cleanup(&labels);
    free(placed.v);
    for (size_t i = 0; i < FIG_NODE_COUNT; i++) {
        const fnode *n = &fig_nodes[i];
        strbuf_printf(b, "<g class=\"tl-state%s\" data-state=\"%s\">",
                      v.state[n->st] ? " tl-visited" : "", tcp_state_name(n->st));
        strbuf_put(b, "<title>");
        strbuf_escape(b, tr(locale, tcp_fig5_states[n->st].description,
                            tcp_fig5_states[n->st].description_zh));
        strbuf_put(b, "</title>");
        strbuf_printf(b,
                      "<rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" rx=\"6\" "
                      "fill=\"none\" stroke=\"currentColor\"%s/>"
                      "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-weight=\"bold\" "
                      ">%s</text></g>",
                      n->x - F_HW, n->y - F_HH, 2 * F_HW, 2 * F_HH,
                      v.state[n->st] ? " stroke-width=\"2.5\"" : "", n->x, n->y + 4,
                      tcp_state_name(n->st));
    }
    strbuf_put(b, "</svg>");
}

char *svg_state_diagram(const sim_trace *t, const char *id_prefix, const char *locale)
{
    strbuf b;
    strbuf_init(&b);
    svg_state_diagram_to(&b, t, id_prefix, locale);
    return strbuf_take(&b);
}
