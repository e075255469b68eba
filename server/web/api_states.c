/*
 * api_states.c — GET /api/v1/states: RFC 9293 Figure 5 as JSON, for the diagrams.
 *
 * Owns: the JSON shape {"states": [{name, description}], "edges": [{from, to, event,
 * action[, note]}], "note_edges": [...]}. Does not: hold the data (server/engine/tcp_fig5.c).
 * The document is rebuilt per request (a few KiB, microseconds); the client may cache it
 * (Cache-Control: public, max-age=3600) since it only changes with the binary.
 */
#include <jansson.h>

#include "../engine/tcp_fig5.h"
#include "api.h"

static json_t *edges_json(const tcp_fig5_edge *e, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s}", "from", tcp_fig5_states[e[i].from].name, "to",
                      tcp_fig5_states[e[i].to].name, "event", e[i].event, "action", e[i].action);
        if (o && e[i].note)
            json_object_set_new(o, "note", json_string(e[i].note));
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

void api_states(const http_request *req, http_response *res)
{
    (void)req;
    json_t *states = json_array();
    for (size_t i = 0; states && i < tcp_fig5_state_count; i++) {
        json_t *o = json_pack("{s:s, s:s}", "name", tcp_fig5_states[i].name, "description",
                              tcp_fig5_states[i].description);
        if (!o || json_array_append_new(states, o)) {
            json_decref(states);
            states = NULL;
        }
    }
    json_t *doc = json_pack("{s:o?, s:o?, s:o?}", "states", states, "edges",
                            edges_json(tcp_fig5_edges, tcp_fig5_edge_count), "note_edges",
                            edges_json(tcp_fig5_note_edges, tcp_fig5_note_edge_count));
    if (!doc || !json_object_get(doc, "states") || !json_object_get(doc, "edges") ||
        !json_object_get(doc, "note_edges")) {
        json_decref(doc);
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    http_json_steal(res, 200, doc);
    http_set_header(res, "Cache-Control", "public, max-age=3600");
}
