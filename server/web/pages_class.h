/*
 * pages_class.h — the instructors' class page and the students' sign-in-link page:
 * GET /class and GET /signin.
 *
 * Owns: the two pages' HTML shells (in the site chrome of pages_render, en/zh-CN with their
 * own string table), who may see /class (instructor and admin; signed out → 303 to
 * /login?next=/class; any other role → a 403 page with a link back), and the localised
 * messages static/js/class.js and static/js/signin.js show (data-msg-* attributes).
 * Does not: read the roster or grades (class.js calls the class API, api_class.h), or
 * redeem links (POST /api/v1/signin, called by signin.js: the token stays in the URL
 * fragment, which browsers never send to the server).
 * Class names: tl-class tl-class-* tl-signin tl-signin-*.
 */
#ifndef TCPLAB_WEB_PAGES_CLASS_H
#define TCPLAB_WEB_PAGES_CLASS_H

#include "../http/http.h"

void pages_class(const http_request *req, http_response *res);  /* GET /class */
void pages_signin(const http_request *req, http_response *res); /* GET /signin */

#endif
