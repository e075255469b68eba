/*
 * lti_launch.c — the LTI 1.3 launch (see lti_launch.h): third-party initiated login (GET and POST
 * /lti/login), the launch (POST /lti/launch), and the page of a refused launch.
 *
 * Owns: the state cookie (tcplab_lti_state, HttpOnly, Path=/lti/, ten minutes; SameSite=None
 * and Secure when the request is secure — an LMS shows the tool in a cross-site iframe and
 * posts the launch from its own site — else SameSite=Lax, which a cross-site form post does
 * not carry: plain HTTP works only for a launch in the same site, as in the tests), the order
 * of the launch checks, the platform keys' cache (the last JWKS of each platform in the
 * store, fetched again once when a token names an unknown kid), the LTI account's login name
 * ("lti-" and 16 hex digits of the BLAKE2b of issuer and sub), the section (the context's
 * label, else title, else id) and the session of the launched user.
 * The launch runs on its own thread (it may wait up to LTI_FETCH_TIMEOUT for a platform)
 * while the request is deferred; at most LAUNCH_THREADS at once, more are answered 503.
 * Does not: check the token's contents (server/lti/lti_jwt.c) or run SQL.
 */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app.h"
#include "../grading/auth.h"
#include "../lessons/i18n.h"
#include "../lessons/lessons.h"
#include "../lti/lti_jwt.h"
#include "../lti/lti_key.h"
#include "../store/store_accounts.h"
#include "../store/store_lti.h"
#include "../util/fetch.h"
#include "../util/strbuf.h"
#include "lti_launch.h"
#include "lti_tool.h"
#include "pages.h"

#define LAUNCH_THREADS 16
#define FORM_MAX       (LTI_JWT_MAX_LEN + 4096)

/* ---- forms and URLs ----------------------------------------------------------------------------
 */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The value of `name` in an application/x-www-form-urlencoded body, decoded into out.
 * Returns its length, -1 when absent, -2 when longer than size - 1 or badly encoded. */
static long form_get(const char *body, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    const char *p = body;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t o = 0;
            for (size_t i = nl + 1; i < len; i++) {
                char c = p[i];
                if (c == '+') {
                    c = ' ';
                } else if (c == '%') {
                    int hi = i + 2 < len ? hexval(p[i + 1]) : -1;
                    int lo = i + 2 < len ? hexval(p[i + 2]) : -1;
                    if (hi < 0 || lo < 0)
                        return -2;
                    c = (char)(hi * 16 + lo);
                    i += 2;
                }
                if (o + 1 >= size || c == '\0')
                    return -2;
                out[o++] = c;
            }
            out[o] = '\0';
            return (long)o;
        }
        p = amp ? amp + 1 : NULL;
    }
    return -1;
}

/* Appends `s` percent-encoded (everything but unreserved characters). */
static void put_encoded(strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            strbuf_putn(b, (const char *)&c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            strbuf_putn(b, e, 3);
        }
    }
}

/* ---- the page of a refused launch
 * ----------------------------------------------------------------- */

typedef struct check_text {
    lti_check check;
    const char *en, *zh;
} check_text;

static const check_text CHECK_TEXT[] = {
    {LTI_CHECK_MALFORMED, "The launch message is not a well-formed LTI token.",
     "启动消息不是格式正确的 LTI 令牌。"},
    {LTI_CHECK_ALG, "The token is not signed with RS256, the only algorithm TCP Lab accepts.",
     "令牌没有使用 RS256 签名，而 TCP Lab 只接受 RS256。"},
    {LTI_CHECK_PLATFORM, "No platform is registered for this issuer and client id.",
     "没有为这个签发者和客户端 ID 注册平台。"},
    {LTI_CHECK_JWKS, "The platform's public keys could not be fetched or read.",
     "无法获取或读取平台的公钥。"},
    {LTI_CHECK_KID, "The platform's key set has no key with the token's key id.",
     "平台的密钥集中没有与令牌密钥 ID 对应的密钥。"},
    {LTI_CHECK_SIGNATURE, "The token's signature is not valid.", "令牌的签名无效。"},
    {LTI_CHECK_ISS, "The token comes from another issuer.", "令牌来自其他签发者。"},
    {LTI_CHECK_AUD, "The token is meant for another tool (aud).", "令牌的受众（aud）不是本工具。"},
    {LTI_CHECK_AZP, "The token's authorised party (azp) is not this tool.",
     "令牌的授权方（azp）不是本工具。"},
    {LTI_CHECK_EXP, "The token has expired. Open the link in your course again.",
     "令牌已过期。请回到课程中重新打开链接。"},
    {LTI_CHECK_IAT, "The token's issue time is missing or in the future.",
     "令牌的签发时间缺失或在未来。"},
    {LTI_CHECK_NONCE, "This launch was used before, or does not belong to this sign-in.",
     "这次启动已经使用过，或不属于本次登录。"},
    {LTI_CHECK_STATE,
     "The launch does not match this browser's sign-in (state). Cookies may be blocked.",
     "启动与本浏览器的登录状态（state）不符，可能是 Cookie 被阻止了。"},
    {LTI_CHECK_DEPLOYMENT, "This deployment of the tool is not registered.",
     "本工具的这个部署（deployment）尚未注册。"},
    {LTI_CHECK_MESSAGE_TYPE, "TCP Lab does not handle this kind of LTI message.",
     "TCP Lab 不处理这种 LTI 消息。"},
    {LTI_CHECK_VERSION, "The launch is not LTI version 1.3.0.", "启动消息的 LTI 版本不是 1.3.0。"},
    {LTI_CHECK_SUB, "The launch does not say who you are (sub).",
     "启动消息没有说明你的身份（sub）。"},
    {LTI_CHECK_ROLES, "Your course role has no place in TCP Lab (instructor or student).",
     "你在课程中的角色在 TCP Lab 中没有对应（教师或学生）。"},
    {LTI_CHECK_CLAIM, "A required part of the launch message is missing or malformed.",
     "启动消息缺少必需的部分，或其格式不正确。"},
    {LTI_CHECK_RESOURCE, "The link points at a lesson TCP Lab does not have.",
     "链接指向的课程在 TCP Lab 中不存在。"},
};

static void refused_page(http_response *res, const char *loc, lti_check check, const char *detail)
{
    bool zh = strcmp(loc, I18N_ZH_CN) == 0;
    const char *what = zh ? "未知错误。" : "Unknown error.";
    for (size_t i = 0; i < sizeof CHECK_TEXT / sizeof CHECK_TEXT[0]; i++)
        if (CHECK_TEXT[i].check == check)
            what = zh ? CHECK_TEXT[i].zh : CHECK_TEXT[i].en;
    strbuf b = {0};
    strbuf_printf(&b, "<section class=\"tl-lti-refused\" data-lti-check=\"%s\">\n<h1>",
                  lti_check_name(check));
    strbuf_put(&b, zh ? "无法从课程平台打开 TCP 实验室"
                      : "TCP Lab could not be opened from your course");
    strbuf_put(&b, "</h1>\n<p class=\"tl-notice\">");
    strbuf_escape(&b, what);
    strbuf_put(&b, "</p>\n<dl class=\"tl-lti-detail\"><dt>");
    strbuf_put(&b, zh ? "未通过的检查" : "Failed check");
    strbuf_put(&b, "</dt><dd><code>");
    strbuf_escape(&b, lti_check_name(check));
    strbuf_put(&b, "</code></dd><dt>");
    strbuf_put(&b, zh ? "详情" : "Details");
    strbuf_put(&b, "</dt><dd>");
    strbuf_escape(&b, detail);
    strbuf_put(&b, "</dd></dl>\n<p>");
    strbuf_put(
        &b, zh ? "请回到课程中重新打开链接；如果问题仍然存在，请把上面的检查名称告诉教师或管理员。"
               : "Go back to your course and open the link again; if this keeps happening, "
                 "tell your instructor or administrator the name of the check above.");
    strbuf_put(&b, "</p>\n</section>");
    int status = check == LTI_CHECK_JWKS ? 502 : 400;
    pages_send_private(res, status, loc, false, zh ? "LTI 启动被拒绝" : "LTI launch refused", "/",
                       NULL, NULL, strbuf_take(&b));
}

static void refuse(http_response *res, const char *loc, const char *ip, lti_check check,
                   const char *detail)
{
    fprintf(stderr, "lti: launch refused from %s: check %s: %s\n", ip ? ip : "-",
            lti_check_name(check), detail);
    refused_page(res, loc, check, detail);
}

/* ---- login
 * ------------------------------------------------------------------------------------------ */

/* A login parameter from the query (GET) or the form body (POST). */
static long login_param(const http_request *req, const char *name, char *out, size_t size)
{
    if (strcmp(req->method, "POST") == 0)
        return form_get(req->body, name, out, size);
    const char *v = http_query(req, name);
    if (!v)
        return -1;
    size_t n = strlen(v);
    if (n >= size)
        return -2;
    memcpy(out, v, n + 1);
    return (long)n;
}

void lti_launch_login(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    store *st = req->app ? req->app->store : NULL;
    if (!st) {
        http_problem(res, 503, NULL, "the store is unavailable");
        return;
    }
    char iss[STORE_LTI_TEXT_SIZE], hint[1024], target[LTI_URL_SIZE], msg_hint[2048];
    char client[STORE_LTI_TEXT_SIZE];
    if (login_param(req, "iss", iss, sizeof iss) <= 0 ||
        login_param(req, "login_hint", hint, sizeof hint) <= 0 ||
        login_param(req, "target_link_uri", target, sizeof target) <= 0) {
        refuse(res, loc, req->client_ip, LTI_CHECK_CLAIM,
               "the login request needs iss, login_hint and target_link_uri");
        return;
    }
    long has_client = login_param(req, "client_id", client, sizeof client);
    long has_msg = login_param(req, "lti_message_hint", msg_hint, sizeof msg_hint);
    if (has_client == -2 || has_msg == -2) {
        refuse(res, loc, req->client_ip, LTI_CHECK_CLAIM,
               "client_id or lti_message_hint is too long or badly encoded");
        return;
    }
    store_lti_platform p;
    store_status rc = store_lti_platform_find(st, iss, has_client > 0 ? client : NULL, &p);
    if (rc != STORE_OK) {
        char d[600];
        snprintf(d, sizeof d,
                 rc == STORE_CONFLICT
                     ? "issuer %.200s has several client ids registered; the login names none"
                     : "no platform is registered with issuer %.200s",
                 iss);
        refuse(res, loc, req->client_ip, LTI_CHECK_PLATFORM, d);
        return;
    }
    char state[GRADING_TOKEN_SIZE], state_hash[GRADING_DIGEST_SIZE];
    char nonce[GRADING_TOKEN_SIZE], nonce_hash[GRADING_DIGEST_SIZE];
    int64_t now = time(NULL);
    if (grading_secret_new(state, state_hash) || grading_secret_new(nonce, nonce_hash) ||
        store_lti_login_put(st, state_hash, nonce, p.id, now, now + LTI_LOGIN_SECONDS) !=
            STORE_OK) {
        http_problem(res, 503, NULL, "cannot start the login");
        return;
    }
    char base[512], redirect[600];
    lti_tool_base_url(req, base, sizeof base);
    snprintf(redirect, sizeof redirect, "%s/lti/launch", base);
    strbuf u = {0};
    strbuf_put(&u, p.auth_url);
    strbuf_put(&u, strchr(p.auth_url, '?') ? "&" : "?");
    strbuf_put(&u, "scope=openid&response_type=id_token&response_mode=form_post&prompt=none"
                   "&client_id=");
    put_encoded(&u, p.client_id);
    strbuf_put(&u, "&redirect_uri=");
    put_encoded(&u, redirect);
    strbuf_put(&u, "&login_hint=");
    put_encoded(&u, hint);
    if (has_msg > 0) {
        strbuf_put(&u, "&lti_message_hint=");
        put_encoded(&u, msg_hint);
    }
    strbuf_put(&u, "&state=");
    put_encoded(&u, state);
    strbuf_put(&u, "&nonce=");
    put_encoded(&u, nonce);
    char *loc_url = strbuf_take(&u);
    if (!loc_url) {
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    http_text(res, 302, "text/plain; charset=utf-8", "", 0);
    http_set_header(res, "Location", loc_url);
    free(loc_url);
    char cookie[256];
    bool secure = http_request_is_secure(req);
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/lti/; Max-Age=%d; HttpOnly; %s", LTI_STATE_COOKIE,
             state, LTI_LOGIN_SECONDS, secure ? "SameSite=None; Secure" : "SameSite=Lax");
    http_set_header(res, "Set-Cookie", cookie);
    http_set_header(res, "Cache-Control", "no-store");
}

/* ---- launch
 * ------------------------------------------------------------------------------------------- */

typedef struct launch_job {
    store *st;
    const lessons_set *lessons;
    char loc[8];
    char ip[64];
    bool secure;
    char *body;                      /* the form */
    char cookie[GRADING_TOKEN_SIZE]; /* the state cookie ("" none) */
    http_deferred *d;
} launch_job;

static atomic_int launches_running;

/* The key for `kid` from the platform's key set, fetching it when the cached set lacks it
 * (once). LTI_CHECK_OK with *key, or JWKS / KID with err. */
static lti_check platform_key(store *st, const store_lti_platform *p, const char *kid,
                              EVP_PKEY **key, char *err, size_t err_size)
{
    char *cached = NULL;
    int64_t fetched_at = 0;
    *key = NULL;
    if (store_lti_jwks_get(st, p->id, &cached, &fetched_at) == STORE_OK && cached) {
        json_t *set = json_loads(cached, 0, NULL);
        free(cached);
        lti_jwks_result r = set ? lti_jwks_find(set, kid, key, err, err_size) : LTI_JWKS_MALFORMED;
        json_decref(set);
        if (r == LTI_JWKS_FOUND)
            return LTI_CHECK_OK;
    }
    fetch_request rq = {.url = p->jwks_url,
                        .accept = "application/json",
                        .timeout_ms = LTI_FETCH_TIMEOUT,
                        .max_bytes = LTI_FETCH_MAX,
                        .allow_http = lti_tool_insecure_http()};
    fetch_result fr;
    char why[160];
    if (!lti_tool_url_allowed(p->jwks_url, why, sizeof why)) {
        snprintf(err, err_size, "the JWKS URL %s", why);
        return LTI_CHECK_JWKS;
    }
    if (fetch_perform(&rq, &fr) != 0) {
        snprintf(err, err_size, "fetching %.200s: %.200s", p->jwks_url, fr.error);
        return LTI_CHECK_JWKS;
    }
    if (fr.status != 200) {
        snprintf(err, err_size, "fetching %.300s: HTTP status %d", p->jwks_url, fr.status);
        fetch_result_free(&fr);
        return LTI_CHECK_JWKS;
    }
    json_error_t jerr;
    json_t *set = json_loadb(fr.body, fr.len, 0, &jerr);
    fetch_result_free(&fr);
    if (!set || !json_is_array(json_object_get(set, "keys"))) {
        snprintf(err, err_size, "%.300s did not answer a JWK Set (JSON with \"keys\")",
                 p->jwks_url);
        json_decref(set);
        return LTI_CHECK_JWKS;
    }
    char *text = json_dumps(set, JSON_COMPACT);
    if (text)
        store_lti_jwks_put(st, p->id, text, time(NULL));
    free(text);
    lti_jwks_result r = lti_jwks_find(set, kid, key, err, err_size);
    json_decref(set);
    return r == LTI_JWKS_FOUND    ? LTI_CHECK_OK
           : r == LTI_JWKS_NO_KID ? LTI_CHECK_KID
                                  : LTI_CHECK_JWKS;
}

/* The lesson a launch opens: custom resource "lesson:SLUG", else a target_link_uri whose path
 * is /lessons/SLUG. Writes the page path into out; LTI_CHECK_RESOURCE when it names no
 * lesson TCP Lab has. A link with neither opens the lesson list. */
static lti_check launch_target(const lti_launch *l, const lessons_set *set, char *resource,
                               size_t rsize, char *out, size_t size, char *err, size_t err_size)
{
    const char *slug = NULL;
    if (strncmp(l->custom_resource, "lesson:", 7) == 0) {
        slug = l->custom_resource + 7;
    } else if (l->custom_resource[0]) {
        snprintf(err, err_size, "custom resource \"%.100s\" is not lesson:SLUG",
                 l->custom_resource);
        return LTI_CHECK_RESOURCE;
    } else {
        const char *p = strstr(l->target_link_uri, "/lessons/");
        if (p)
            slug = p + 9;
    }
    if (!slug || !*slug) {
        snprintf(resource, rsize, "lessons");
        snprintf(out, size, "/lessons");
        return LTI_CHECK_OK;
    }
    size_t n = strcspn(slug, "?#/");
    if (!lessons_slug_valid(slug, n) || n >= 128) {
        snprintf(err, err_size, "\"%.100s\" is not a lesson name", slug);
        return LTI_CHECK_RESOURCE;
    }
    char s[128];
    memcpy(s, slug, n);
    s[n] = '\0';
    if (set && !lessons_find(set, s, I18N_EN) && !lessons_find(set, s, I18N_ZH_CN)) {
        snprintf(err, err_size, "there is no lesson \"%s\"", s);
        return LTI_CHECK_RESOURCE;
    }
    snprintf(resource, rsize, "lesson:%s", s);
    snprintf(out, size, "/lessons/%s", s);
    return LTI_CHECK_OK;
}

/* Copies at most size - 1 bytes of s, not cutting a UTF-8 sequence. */
static void utf8_cut(char *dst, size_t size, const char *s)
{
    size_t n = strlen(s);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* ---- Deep Linking 2.0
 * ------------------------------------------------------------------------------ */

#define DL_AUD     "tcplab-deep-linking" /* the audience of the picker's own context token */
#define DL_SECONDS 1800                  /* the picker's context is valid so long */
#define DL_MAX     32                    /* lessons picked at once */

/* The page of a deep-linking launch: the lessons to pick, and the request's context signed by
 * the tool's key (the platform, deployment, return URL and data), so the answer needs no
 * server-side state. */
static void deep_link_picker(http_response *res, const launch_job *j, const store_lti_platform *p,
                             const lti_launch *l)
{
    bool zh = strcmp(j->loc, I18N_ZH_CN) == 0;
    char kid[STORE_LTI_TEXT_SIZE];
    EVP_PKEY *key = lti_tool_signing_key(j->st, kid, sizeof kid);
    int64_t now = time(NULL);
    json_t *ctx =
        json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "aud", DL_AUD, "iat", (json_int_t)now,
                  "exp", (json_int_t)now + DL_SECONDS, "pid", (json_int_t)p->id, "dep",
                  l->deployment_id, "ret", l->dl_return_url, "data", l->dl_data);
    char *token = key && ctx ? lti_jwt_sign(key, kid, ctx) : NULL;
    json_decref(ctx);
    EVP_PKEY_free(key);
    if (!token) {
        http_problem(res, 503, NULL, "cannot sign the deep-linking context");
        return;
    }
    const lesson *ls[256];
    size_t n = j->lessons ? lessons_list(j->lessons, j->loc, ls, 256) : 0;
    strbuf b = {0};
    strbuf_put(&b, "<section class=\"tl-lti-picker\">\n<h1>");
    strbuf_put(&b, zh ? "选择要添加到课程中的内容" : "Choose lessons to add to your course");
    strbuf_put(&b, "</h1>\n<p>");
    strbuf_put(
        &b, zh ? "每个选中的课程都会成为课程平台中的一个链接，并在成绩册中占一列（每道题 1 分）。"
               : "Each lesson you pick becomes a link in your course, with a gradebook "
                 "column (one point per question).");
    strbuf_put(&b, "</p>\n<form method=\"post\" action=\"/lti/deep-link\">\n"
                   "<input type=\"hidden\" name=\"context\" value=\"");
    strbuf_escape(&b, token);
    strbuf_put(&b, "\">\n<fieldset><legend>");
    strbuf_put(&b, zh ? "课程" : "Lessons");
    strbuf_put(&b, "</legend>\n");
    for (size_t i = 0; i < n; i++) {
        strbuf_printf(&b,
                      "<p class=\"tl-field\"><label><input type=\"checkbox\" name=\"lesson\" "
                      "value=\"%s\"> ",
                      ls[i]->slug);
        strbuf_escape(&b, ls[i]->title);
        strbuf_printf(&b, " <small>(%zu %s)</small></label></p>\n", ls[i]->quiz.count,
                      zh ? "道题" : "questions");
    }
    strbuf_put(&b, "</fieldset>\n<p><button type=\"submit\">");
    strbuf_put(&b, zh ? "添加到课程" : "Add to the course");
    strbuf_put(&b, "</button></p>\n</form>\n</section>");
    free(token);
    pages_send_private(res, 200, j->loc, false, zh ? "选择课程内容" : "Choose lessons", "/", NULL,
                       NULL, strbuf_take(&b));
}

/* The lesson of one "lesson=SLUG" form field q[0..n) (NULL: none such). */
static const lesson *picked_lesson(const lessons_set *set, const char *q, size_t n, const char *loc)
{
    char slug[80];
    if (!set || n == 0 || n >= sizeof slug)
        return NULL;
    memcpy(slug, q, n);
    slug[n] = '\0';
    if (!lessons_slug_valid(slug, n))
        return NULL;
    const lesson *les = lessons_find(set, slug, loc);
    return les ? les : lessons_find(set, slug, I18N_EN);
}

void lti_launch_deep_link(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    bool zh = strcmp(loc, I18N_ZH_CN) == 0;
    store *st = req->app ? req->app->store : NULL;
    char *token = malloc(LTI_JWT_MAX_LEN + 1);
    if (!st || !token) {
        free(token);
        http_problem(res, 503, NULL, "the store is unavailable");
        return;
    }
    json_t *ctx = NULL;
    if (form_get(req->body, "context", token, LTI_JWT_MAX_LEN + 1) > 0)
        ctx = lti_tool_own_token(st, token);
    free(token);
    const char *aud = json_string_value(json_object_get(ctx, "aud"));
    json_int_t exp = json_integer_value(json_object_get(ctx, "exp"));
    store_lti_platform p;
    if (!aud || strcmp(aud, DL_AUD) != 0 || exp < time(NULL) ||
        store_lti_platform_get(st, json_integer_value(json_object_get(ctx, "pid")), &p) !=
            STORE_OK) {
        json_decref(ctx);
        refuse(res, loc, req->client_ip, LTI_CHECK_SIGNATURE,
               "the deep-linking context is not this tool's, or it expired; launch again");
        return;
    }
    char base[512], launch[600];
    lti_tool_base_url(req, base, sizeof base);
    snprintf(launch, sizeof launch, "%s/lti/launch", base);
    json_t *items = json_array();
    for (const char *q = req->body; q && *q && json_array_size(items) < DL_MAX;) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        const lesson *les =
            len > 7 && strncmp(q, "lesson=", 7) == 0
                ? picked_lesson(req->app ? req->app->lessons : NULL, q + 7, len - 7, loc)
                : NULL;
        if (les) {
            char resource[100];
            snprintf(resource, sizeof resource, "lesson:%s", les->slug);
            json_array_append_new(
                items, json_pack("{s:s, s:s, s:s, s:{s:s}, s:{s:I, s:s, s:s}}", "type",
                                 "ltiResourceLink", "title", les->title, "url", launch, "custom",
                                 "resource", resource, "lineItem", "scoreMaximum",
                                 (json_int_t)(les->quiz.count ? les->quiz.count : 1), "label",
                                 les->title, "resourceId", resource));
        }
        q = amp ? amp + 1 : NULL;
    }
    size_t picked = json_array_size(items);
    char kid[STORE_LTI_TEXT_SIZE];
    EVP_PKEY *key = lti_tool_signing_key(st, kid, sizeof kid);
    uint8_t rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    char nonce[33];
    sodium_bin2hex(nonce, sizeof nonce, rnd, sizeof rnd);
    int64_t now = time(NULL);
    json_t *claims = json_pack(
        "{s:s, s:s, s:I, s:I, s:s, s:O, s:s, s:s, s:o}", "iss", p.client_id, "aud", p.issuer, "iat",
        (json_int_t)now, "exp", (json_int_t)now + 600, "nonce", nonce, LTI_CLAIM "deployment_id",
        json_object_get(ctx, "dep"), LTI_CLAIM "message_type", "LtiDeepLinkingResponse",
        LTI_CLAIM "version", "1.3.0", LTI_DL_CLAIM "content_items", items);
    const char *data = json_string_value(json_object_get(ctx, "data"));
    if (claims && data && *data)
        json_object_set_new(claims, LTI_DL_CLAIM "data", json_string(data));
    char *jwt = key && claims ? lti_jwt_sign(key, kid, claims) : NULL;
    json_decref(claims);
    EVP_PKEY_free(key);
    const char *ret = json_string_value(json_object_get(ctx, "ret"));
    char why[160];
    if (!jwt || !ret || !lti_tool_url_allowed(ret, why, sizeof why)) {
        free(jwt);
        json_decref(ctx);
        http_problem(res, 503, NULL, "cannot answer the deep-linking request");
        return;
    }
    strbuf b = {0};
    strbuf_put(&b, "<section class=\"tl-lti-picker\">\n<h1>");
    strbuf_put(&b, zh ? "返回课程平台" : "Back to your course");
    strbuf_printf(&b, "</h1>\n<p data-picked=\"%zu\">", picked);
    if (zh)
        strbuf_printf(&b, "将添加 %zu 个课程。", picked);
    else
        strbuf_printf(&b, "%zu lesson%s will be added.", picked, picked == 1 ? "" : "s");
    strbuf_put(&b, "</p>\n<form method=\"post\" action=\"");
    strbuf_escape(&b, ret);
    strbuf_put(&b, "\">\n<input type=\"hidden\" name=\"JWT\" value=\"");
    strbuf_escape(&b, jwt);
    strbuf_put(&b, "\">\n<p><button type=\"submit\">");
    strbuf_put(&b, zh ? "返回课程平台" : "Return to the course");
    strbuf_put(&b, "</button></p>\n</form>\n</section>");
    free(jwt);
    json_decref(ctx);
    pages_send_private(res, 200, loc, false, zh ? "返回课程平台" : "Back to your course", "/", NULL,
                       NULL, strbuf_take(&b));
}

/* Every check of a launch, then the account, the link and the session. Fills res. */
static void launch_run(launch_job *j, http_response *res)
{
    char state[GRADING_TOKEN_SIZE];
    char *token = malloc(LTI_JWT_MAX_LEN + 1);
    char err[512] = "";
    if (!token) {
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    long tlen = form_get(j->body, "id_token", token, LTI_JWT_MAX_LEN + 1);
    long slen = form_get(j->body, "state", state, sizeof state);
    lti_jwt t = {0};
    EVP_PKEY *key = NULL;
    lti_check c = LTI_CHECK_OK;
    store_lti_platform p;
    lti_launch l;
    char perr[200];
    if (form_get(j->body, "error", perr, sizeof perr) > 0) {
        snprintf(err, sizeof err, "the platform answered the login with error \"%s\"", perr);
        c = LTI_CHECK_CLAIM;
        goto out;
    }
    if (tlen <= 0) {
        snprintf(err, sizeof err, "the launch has no id_token (or one over %d bytes)",
                 LTI_JWT_MAX_LEN);
        c = LTI_CHECK_MALFORMED;
        goto out;
    }
    if (slen <= 0 || !j->cookie[0] || strlen(j->cookie) != (size_t)slen ||
        sodium_memcmp(state, j->cookie, (size_t)slen) != 0) {
        snprintf(err, sizeof err,
                 !j->cookie[0] ? "this browser sent no state cookie (blocked, or expired)"
                 : slen <= 0   ? "the launch has no state"
                               : "the launch's state is not this browser's state cookie");
        c = LTI_CHECK_STATE;
        goto out;
    }
    c = lti_jwt_parse(token, (size_t)tlen, &t, err, sizeof err);
    if (c != LTI_CHECK_OK)
        goto out;
    /* the platform is the one this browser's login was started for */
    char state_hash[GRADING_DIGEST_SIZE];
    grading_secret_digest(state, state_hash);
    int64_t pid = 0;
    if (store_lti_login_platform(j->st, state_hash, time(NULL), &pid) != STORE_OK ||
        store_lti_platform_get(j->st, pid, &p) != STORE_OK) {
        snprintf(err, sizeof err,
                 "no sign-in was started with this state, or it expired "
                 "(%d minutes)",
                 LTI_LOGIN_SECONDS / 60);
        c = LTI_CHECK_STATE;
        goto out;
    }
    c = platform_key(j->st, &p, t.kid, &key, err, sizeof err);
    if (c != LTI_CHECK_OK)
        goto out;
    c = lti_jwt_verify(&t, key);
    if (c != LTI_CHECK_OK) {
        snprintf(err, sizeof err,
                 "the RS256 signature does not verify with the platform's key %.100s",
                 t.kid ? t.kid : "");
        goto out;
    }
    const char *deps[32];
    size_t nd = 0;
    for (char *s = p.deployments; *s && nd < 32;) {
        deps[nd++] = s;
        char *nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
    lti_expect e = {p.issuer, p.client_id, deps, nd, time(NULL)};
    c = lti_launch_validate(t.claims, &e, &l, err, sizeof err);
    if (c != LTI_CHECK_OK)
        goto out;
    store_status rc = store_lti_login_use(j->st, state_hash, l.nonce, p.id, time(NULL));
    if (rc != STORE_OK) {
        snprintf(err, sizeof err,
                 rc == STORE_CONFLICT ? "the nonce was used before: this launch is a replay"
                 : rc == STORE_NOT_FOUND
                     ? "the nonce is not the one sent with this sign-in, or the sign-in expired"
                     : "the sign-in cannot be checked (store)");
        c = LTI_CHECK_NONCE;
        goto out;
    }
    char resource[160] = "", path[200] = "";
    if (!l.deep_linking) {
        c = launch_target(&l, j->lessons, resource, sizeof resource, path, sizeof path, err,
                          sizeof err);
        if (c != LTI_CHECK_OK)
            goto out;
    }
    /* the account: iss + sub */
    uint8_t h[8];
    crypto_generichash_state hs;
    crypto_generichash_init(&hs, NULL, 0, sizeof h);
    crypto_generichash_update(&hs, (const uint8_t *)p.issuer, strlen(p.issuer) + 1);
    crypto_generichash_update(&hs, (const uint8_t *)l.sub, strlen(l.sub));
    crypto_generichash_final(&hs, h, sizeof h);
    char login[32] = "lti-";
    sodium_bin2hex(login + 4, sizeof login - 4, h, sizeof h);
    char section[64];
    utf8_cut(section, sizeof section,
             l.context_label[0]   ? l.context_label
             : l.context_title[0] ? l.context_title
                                  : l.context_id);
    store_lti_account_in ai = {p.issuer, l.sub,   login,  lti_role_name(l.role),
                               l.name,   l.email, section};
    store_user u;
    if (store_lti_account(j->st, &ai, time(NULL), &u) != STORE_OK ||
        (!l.deep_linking && store_lti_link_put(j->st, p.id, l.resource_link_id, resource,
                                               l.ags_lineitem, time(NULL)) != STORE_OK)) {
        http_problem(res, 503, NULL, "cannot save the launched account");
        goto done;
    }
    char tok[GRADING_TOKEN_SIZE], digest[GRADING_DIGEST_SIZE];
    char csrf[GRADING_TOKEN_SIZE], csrf_digest[GRADING_DIGEST_SIZE];
    int64_t now = time(NULL);
    if (grading_secret_new(tok, digest) || grading_secret_new(csrf, csrf_digest) ||
        store_session_put(j->st, digest, u.id, csrf, now, now + GRADING_SESSION_SECONDS) !=
            STORE_OK) {
        http_problem(res, 503, NULL, "cannot create the session");
        goto done;
    }
    fprintf(stderr, "lti: launch of %s (%s, %s) into %s\n", u.name, u.role, p.issuer,
            l.deep_linking ? "deep linking" : path);
    if (l.deep_linking) {
        deep_link_picker(res, j, &p, &l);
    } else {
        http_text(res, 303, "text/plain; charset=utf-8", "", 0);
        http_set_header(res, "Location", path);
    }
    http_set_header(res, "Cache-Control", "no-store");
    const char *same = j->secure ? "SameSite=None; Secure" : "SameSite=Lax";
    char cookie[256];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=%d; HttpOnly; %s",
             GRADING_SESSION_COOKIE, tok, GRADING_SESSION_SECONDS, same);
    http_set_header(res, "Set-Cookie", cookie);
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=%d; %s", GRADING_CSRF_COOKIE, csrf,
             GRADING_SESSION_SECONDS, same);
    http_set_header(res, "Set-Cookie", cookie);
    snprintf(cookie, sizeof cookie, "%s=; Path=/lti/; Max-Age=0; HttpOnly; %s", LTI_STATE_COOKIE,
             same);
    http_set_header(res, "Set-Cookie", cookie);
    goto done;
out:
    refuse(res, j->loc, j->ip, c, err);
done:
    EVP_PKEY_free(key);
    lti_jwt_free(&t);
    sodium_memzero(token, LTI_JWT_MAX_LEN + 1);
    free(token);
}

static void launch_job_free(launch_job *j)
{
    free(j->body);
    free(j);
}

static void *launch_thread(void *arg)
{
    launch_job *j = arg;
    launch_run(j, http_deferred_response(j->d));
    http_deferred_finish(j->d);
    launch_job_free(j);
    atomic_fetch_sub(&launches_running, 1);
    return NULL;
}

void lti_launch_post(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    store *st = req->app ? req->app->store : NULL;
    if (!st) {
        http_problem(res, 503, NULL, "the store is unavailable");
        return;
    }
    if (req->body_len > FORM_MAX) {
        refuse(res, loc, req->client_ip, LTI_CHECK_MALFORMED, "the launch form is too large");
        return;
    }
    launch_job *j = calloc(1, sizeof *j);
    if (!j || !(j->body = strdup(req->body))) {
        free(j);
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    j->st = st;
    j->lessons = req->app->lessons;
    snprintf(j->loc, sizeof j->loc, "%s", loc);
    snprintf(j->ip, sizeof j->ip, "%s", req->client_ip ? req->client_ip : "-");
    j->secure = http_request_is_secure(req);
    const char *ck = http_cookie(req, LTI_STATE_COOKIE);
    if (ck && strlen(ck) < sizeof j->cookie)
        snprintf(j->cookie, sizeof j->cookie, "%s", ck);
    if (atomic_fetch_add(&launches_running, 1) >= LAUNCH_THREADS) {
        atomic_fetch_sub(&launches_running, 1);
        launch_job_free(j);
        http_problem(res, 503, NULL, "too many launches at once; try again");
        http_set_header(res, "Retry-After", "1");
        return;
    }
    j->d = http_defer(req);
    pthread_t th;
    pthread_attr_t attr;
    if (j->d) {
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&th, &attr, launch_thread, j);
        pthread_attr_destroy(&attr);
        if (rc == 0)
            return;
        /* no thread: answer on this worker */
        launch_run(j, http_deferred_response(j->d));
        http_deferred_finish(j->d);
    } else {
        launch_run(j, res);
    }
    launch_job_free(j);
    atomic_fetch_sub(&launches_running, 1);
}
