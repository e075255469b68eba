/* test_fig5.c — the RFC 9293 Figure 5 tables (server/engine/tcp_fig5.h). */
#include <stdbool.h>
#include <string.h>

#include "../../server/engine/tcp_fig5.h"
#include "testlib.h"

TEST(fig5_states_complete)
{
    CHECK_EQ_INT(tcp_fig5_state_count, TCP_STATE_COUNT);
    static const char *const names[TCP_STATE_COUNT] = {
        "CLOSED",     "LISTEN",     "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
        "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING",  "LAST-ACK",     "TIME-WAIT"};
    for (int i = 0; i < TCP_STATE_COUNT; i++) {
        CHECK_EQ_INT(tcp_fig5_states[i].state, i);
        CHECK_EQ_STR(tcp_fig5_states[i].name, names[i]);
        CHECK(tcp_fig5_states[i].description && strlen(tcp_fig5_states[i].description) > 20);
    }
}

static void check_edges(const tcp_fig5_edge *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(e[i].from >= 0 && e[i].from < TCP_STATE_COUNT);
        CHECK(e[i].to >= 0 && e[i].to < TCP_STATE_COUNT);
        CHECK(e[i].from != e[i].to);
        CHECK(e[i].event && e[i].event[0]);
        CHECK(e[i].action != NULL);
        for (size_t j = i + 1; j < n; j++)
            CHECK(!(e[i].from == e[j].from && e[i].to == e[j].to &&
                    strcmp(e[i].event, e[j].event) == 0));
    }
}

TEST(fig5_edges_valid)
{
    CHECK_EQ_INT(tcp_fig5_edge_count, 20);
    check_edges(tcp_fig5_edges, tcp_fig5_edge_count);
    check_edges(tcp_fig5_note_edges, tcp_fig5_note_edge_count);
    /* every state is touched by at least one edge, and every state but CLOSED is entered */
    for (int s = 0; s < TCP_STATE_COUNT; s++) {
        bool in = false, out = false;
        for (size_t i = 0; i < tcp_fig5_edge_count; i++) {
            in |= (int)tcp_fig5_edges[i].to == s;
            out |= (int)tcp_fig5_edges[i].from == s;
        }
        CHECK(in);
        CHECK(out);
    }
}

static bool has_edge(tcp_state from, tcp_state to, const char *event, const char *action)
{
    for (size_t i = 0; i < tcp_fig5_edge_count; i++) {
        const tcp_fig5_edge *e = &tcp_fig5_edges[i];
        if (e->from == from && e->to == to && strcmp(e->event, event) == 0 &&
            strcmp(e->action, action) == 0)
            return true;
    }
    return false;
}

TEST(fig5_edges_known)
{
    CHECK(has_edge(TCP_CLOSED, TCP_LISTEN, "passive OPEN", "create TCB"));
    CHECK(has_edge(TCP_CLOSED, TCP_SYN_SENT, "active OPEN", "create TCB, snd SYN"));
    CHECK(has_edge(TCP_LISTEN, TCP_SYN_RECEIVED, "rcv SYN", "snd SYN,ACK"));
    CHECK(has_edge(TCP_LISTEN, TCP_SYN_SENT, "SEND", "snd SYN"));
    CHECK(has_edge(TCP_SYN_SENT, TCP_SYN_RECEIVED, "rcv SYN", "snd SYN,ACK"));
    CHECK(has_edge(TCP_SYN_SENT, TCP_ESTABLISHED, "rcv SYN,ACK", "snd ACK"));
    CHECK(has_edge(TCP_SYN_RECEIVED, TCP_LISTEN, "rcv RST", ""));
    CHECK(has_edge(TCP_SYN_RECEIVED, TCP_FIN_WAIT_1, "CLOSE", "snd FIN"));
    CHECK(has_edge(TCP_FIN_WAIT_1, TCP_CLOSING, "rcv FIN", "snd ACK"));
    CHECK(has_edge(TCP_TIME_WAIT, TCP_CLOSED, "Timeout=2MSL", "delete TCB"));
    CHECK(has_edge(TCP_LAST_ACK, TCP_CLOSED, "rcv ACK of FIN", ""));
    CHECK_EQ_INT(tcp_fig5_note_edge_count, 1);
    CHECK_EQ_INT(tcp_fig5_note_edges[0].to, TCP_TIME_WAIT);
}
