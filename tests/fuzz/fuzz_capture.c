/*
 * fuzz_capture.c — libFuzzer harness: a capture file (pcap or pcapng bytes) through the
 * whole analysis of `tcplab analyze` and POST /api/v1/captures: libpcap's reader on a
 * memory stream (server/capture/pcap_read.c), the link/IP/TCP decoder (decode.c), the
 * passive observer (analyze.c) and both answers (capture.c: JSON and text).
 *
 * Input: the bytes of a capture (at most 256 KiB are used; the first byte, when the input
 * is not a capture's own magic, also picks the connection to trace). The seed corpus holds
 * the Linux-stack fixtures (tests/fixtures/captures/) and small hand-made captures.
 * Oracles besides the sanitizers: an analysis either succeeds or names an error whose
 * packet is within the packets read; on success the JSON is written and is an object
 * ending in "}", it has one packet number per step, every packet number is within the
 * capture and never decreases, every step's t_ms never decreases, every observation names
 * a connection that exists and a step within the trace.
 * Does not: reach HTTP or the store.
 */
#include "fuzz_common.h"

#include "../../server/capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        size = 256 * 1024;
    capture_options opt = {0, 5000, 200};
    if (size > 0)
        opt.connection = (uint32_t)(data[size - 1] % 4); /* 0: the first connection */
    capture_result res;
    if (capture_analyze_memory(data, size, &opt, &res) != 0) {
        FUZZ_CHECK(res.error != CAPTURE_OK, "a failure names its error");
        FUZZ_CHECK(res.packet <= res.packets + 1, "the failing packet is one that was read");
        FUZZ_CHECK(res.message[0] != '\0', "a failure has a message");
        FUZZ_CHECK(res.an == NULL, "a failure keeps no analysis");
        capture_result_cleanup(&res);
        return 0;
    }
    const analyze *an = res.an;
    const sim_trace *t = analyze_trace(an);
    const uint64_t *pk = analyze_step_packets(an);
    for (size_t i = 0; i < t->count; i++) {
        FUZZ_CHECK(pk[i] >= 1 && pk[i] <= res.packets, "a step's packet is in the capture");
        FUZZ_CHECK(i == 0 || t->steps[i].t_ms >= t->steps[i - 1].t_ms, "time never goes back");
        FUZZ_CHECK(t->steps[i].rule != NULL, "every step has a rule");
    }
    size_t nc = analyze_connection_count(an);
    for (size_t i = 0; i < analyze_observation_count(an); i++) {
        const analyze_observation *o = analyze_observation_at(an, i);
        FUZZ_CHECK(o->connection >= 1 && o->connection <= nc, "an observation's connection");
        FUZZ_CHECK(o->step <= t->count, "an observation's step is in the trace");
        FUZZ_CHECK(o->packet >= 1 && o->packet <= res.packets, "an observation's packet");
    }
    size_t len = 0;
    char *json = capture_json(&res, size > 0 && (data[0] & 1), &len);
    FUZZ_CHECK(json != NULL, "the JSON is written");
    FUZZ_CHECK(len >= 2 && json[0] == '{' && json[len - 1] == '}', "the JSON is one object");
    free(json);
    char *text = capture_text(&res);
    FUZZ_CHECK(text != NULL, "the text is written");
    free(text);
    capture_result_cleanup(&res);
    return 0;
}
