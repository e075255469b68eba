/*
 * lti_launch.h — the LTI 1.3 launch: third-party initiated login and the launch itself.
 *
 * Owns: the two handlers (lti_launch.c says how they work).
 * Does not: register platforms or keep the tool's keys (lti_tool.h).
 */
#ifndef TCPLAB_WEB_LTI_LAUNCH_H
#define TCPLAB_WEB_LTI_LAUNCH_H

#include "../http/http.h"

/* GET and POST /lti/login: iss, login_hint, target_link_uri (client_id, lti_message_hint
 * optional) → 302 to the platform's authorization endpoint with state and nonce, and the
 * state cookie. An unknown platform gets the refusal page. */
void lti_launch_login(const http_request *req, http_response *res);
/* POST /lti/launch: id_token and state (form_post) → every check, then the account and a
 * session, and 303 to the linked lesson; a refused launch gets an HTML page naming the check
 * (400; 502 when the platform's keys cannot be fetched). */
void lti_launch_post(const http_request *req, http_response *res);

/* POST /lti/deep-link: the picker's form (its signed context and lesson=SLUG, repeated) →
 * a page whose form posts the signed LtiDeepLinkingResponse (JWT) to the platform's
 * deep_link_return_url: ltiResourceLink items with custom resource=lesson:SLUG and a
 * lineItem (scoreMaximum: the lesson's questions, label, resourceId). */
void lti_launch_deep_link(const http_request *req, http_response *res);

#endif
