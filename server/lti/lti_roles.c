/*
 * lti_roles.c — the roles claim → TCP Lab role (see lti_roles.h).
 */
#include <string.h>

#include "lti_roles.h"

#define LIS "http://purl.imsglobal.org/vocab/lis/v2/"

/* One role URI or short name → its role. */
static lti_role one_role(const char *r)
{
    static const char *const instructor[] = {
        LIS "membership#Instructor",
        LIS "membership#ContentDeveloper",
        LIS "membership#Administrator",
        LIS "institution/person#Administrator",
        LIS "system/person#Administrator",
        "Instructor",
        "ContentDeveloper",
        "Administrator",
    };
    for (size_t i = 0; i < sizeof instructor / sizeof instructor[0]; i++)
        if (strcmp(r, instructor[i]) == 0)
            return LTI_ROLE_INSTRUCTOR;
    /* sub-roles: membership/Instructor#TeachingAssistant and the others of Instructor, of
     * ContentDeveloper and of Administrator; membership/Learner#… of Learner */
    static const char *const sub_instructor[] = {
        LIS "membership/Instructor#",
        LIS "membership/ContentDeveloper#",
        LIS "membership/Administrator#",
    };
    for (size_t i = 0; i < sizeof sub_instructor / sizeof sub_instructor[0]; i++)
        if (strncmp(r, sub_instructor[i], strlen(sub_instructor[i])) == 0 &&
            r[strlen(sub_instructor[i])] != '\0')
            return LTI_ROLE_INSTRUCTOR;
    if (strcmp(r, LIS "membership#Learner") == 0 || strcmp(r, "Learner") == 0)
        return LTI_ROLE_STUDENT;
    const char *learner_sub = LIS "membership/Learner#";
    if (strncmp(r, learner_sub, strlen(learner_sub)) == 0 && r[strlen(learner_sub)] != '\0')
        return LTI_ROLE_STUDENT;
    return LTI_ROLE_NONE;
}

lti_role lti_role_map(const json_t *roles)
{
    lti_role best = LTI_ROLE_NONE;
    if (!json_is_array(roles))
        return best;
    size_t i;
    const json_t *v;
    json_array_foreach(roles, i, v)
    {
        const char *r = json_string_value(v);
        if (!r)
            continue;
        lti_role one = one_role(r);
        if (one > best)
            best = one;
    }
    return best;
}

const char *lti_role_name(lti_role r)
{
    switch (r) {
    case LTI_ROLE_STUDENT:
        return "student";
    case LTI_ROLE_INSTRUCTOR:
        return "instructor";
    case LTI_ROLE_NONE:
        break;
    }
    return "";
}
