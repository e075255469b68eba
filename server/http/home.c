/*
 * home.c — the minimal home page at "/", until the lessons area replaces home_page().
 * Owns: that one page. Does not: template anything; the page is a constant.
 */
#include "server.h"

static const char HOME[] =
    "<!doctype html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>TCP Lab</title>\n"
    "<link rel=\"stylesheet\" href=\"/static/css/app.css\">\n"
    "<script type=\"module\" src=\"/static/js/app.js\"></script>\n"
    "</head>\n<body>\n"
    "<nav class=\"tl-nav\"><a href=\"/\">Home</a> <a href=\"/lessons\">Lessons</a> "
    "<a href=\"/playground\">Playground</a> "
    "<a class=\"tl-lang\" hreflang=\"zh-CN\" lang=\"zh-CN\" href=\"?lang=zh-CN\">中文</a></nav>\n"
    "<main>\n<h1>TCP Lab</h1>\n"
    "<p>Connection setup and teardown in TCP (RFC 9293), step by step.</p>\n"
    "<ul>\n<li><a href=\"/lessons\">Lessons</a></li>\n"
    "<li><a href=\"/api/v1/openapi.json\">API description (OpenAPI 3.1)</a></li>\n"
    "</ul>\n</main>\n</body>\n</html>\n";

void home_page(const http_request *req, http_response *res)
{
    (void)req;
    http_static_body(res, 200, "text/html; charset=utf-8", HOME, sizeof HOME - 1);
}
