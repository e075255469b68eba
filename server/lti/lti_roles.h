/*
 * lti_roles.h — which TCP Lab role an LTI launch gets, from the roles claim
 * (https://purl.imsglobal.org/spec/lti/claim/roles, LIS vocabulary, LTI Core 1.3 §5.3.7
 * and Appendix A.2).
 *
 * Owns: the mapping. Instructor, TeachingAssistant (a sub-role of Instructor),
 * ContentDeveloper and Administrator — context membership roles, and the institution and
 * system Administrator — make an instructor; Learner (and its sub-roles) a student; an
 * instructor role wins over Learner. Any other role (Mentor, Guest, Observer, …) maps to
 * nothing, and the launch is refused. Full URIs and the short context-role names
 * ("Instructor", "Learner") are both read.
 * Does not: create accounts or decide what a role may do (server/grading/auth.h).
 */
#ifndef TCPLAB_LTI_ROLES_H
#define TCPLAB_LTI_ROLES_H

#include <jansson.h>

typedef enum lti_role { LTI_ROLE_NONE = 0, LTI_ROLE_STUDENT, LTI_ROLE_INSTRUCTOR } lti_role;

/* The role of a roles claim (an array of strings; anything else: LTI_ROLE_NONE). */
lti_role lti_role_map(const json_t *roles);
/* "student", "instructor", or "" for LTI_ROLE_NONE. */
const char *lti_role_name(lti_role r);

#endif
