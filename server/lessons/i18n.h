/*
 * i18n.h — the two interface languages of TCP Lab: choosing one per request and the
 * strings of the page chrome (navigation, headings, buttons) in both.
 *
 * Owns: locale negotiation (?lang, then the `lang` cookie, then Accept-Language with
 * q-values, then English) and the UI string table.
 * Does not: translate lesson texts (those are separate files per locale) or touch HTTP:
 * callers pass the raw query/cookie/header values in.
 */
#ifndef TCPLAB_LESSONS_I18N_H
#define TCPLAB_LESSONS_I18N_H

#include <stdbool.h>

#define I18N_EN    "en"
#define I18N_ZH_CN "zh-CN"

/* The supported locale spelled exactly as `s` ("en" or "zh-CN", case-insensitive), as the
 * canonical static string; NULL when `s` is NULL or not a supported locale. */
const char *i18n_locale_canonical(const char *s);

/* The other locale of the pair ("en" ↔ "zh-CN"). */
const char *i18n_other_locale(const char *locale);

/* Best supported locale for an Accept-Language header value (RFC 9110 §12.5.4): the
 * highest q wins, ties go to the earlier entry, q=0 excludes; any zh* maps to zh-CN, en*
 * and * to en. NULL when nothing matches (or the header is NULL / malformed). */
const char *i18n_from_accept_language(const char *header);

/* The request's locale: a valid ?lang value wins (and *remember is set true: the caller
 * sets the cookie), then a valid `lang` cookie, then Accept-Language, then "en".
 * Any argument may be NULL. Never returns NULL. */
const char *i18n_negotiate(const char *query_lang, const char *cookie_lang,
                           const char *accept_language, bool *remember);

/* UI strings of the page chrome. */
typedef enum i18n_key {
    I18N_SITE_NAME = 0,
    I18N_NAV_LABEL,
    I18N_NAV_HOME,
    I18N_NAV_LESSONS,
    I18N_NAV_PLAYGROUND,
    I18N_LANG_SWITCH_LABEL, /* the switch's text: the OTHER language's own name */
    I18N_SKIP_TO_CONTENT,
    I18N_HOME_TITLE,
    I18N_HOME_TAGLINE,
    I18N_HOME_INTRO,
    I18N_HOME_START,
    I18N_HOME_PLAY,
    I18N_HOME_LESSONS_HEADING,
    I18N_LESSONS_TITLE,
    I18N_LESSONS_INTRO,
    I18N_LESSONS_EMPTY,
    I18N_LESSON_N_OF, /* "Lesson %d of %d" (printf format with two ints) */
    I18N_PREV,
    I18N_NEXT,
    I18N_PAGER_LABEL,
    I18N_TAGS_LABEL,
    I18N_NOT_TRANSLATED,
    I18N_PLAYGROUND_TITLE,
    I18N_PLAYGROUND_INTRO,
    I18N_PG_SCENARIO,
    I18N_PG_CUSTOM,
    I18N_PG_RUN,
    I18N_PG_SHARE,
    I18N_PG_RESULT,
    I18N_PG_UNKNOWN_SCENARIO,
    I18N_PG_UNKNOWN_SIM,
    I18N_PG_FAILED,
    I18N_NOT_FOUND_TITLE,
    I18N_NOT_FOUND_TEXT,
    I18N_BACK_TO_LESSONS,
    I18N_FOOTER,
    I18N_CALLOUT_NOTE,
    I18N_CALLOUT_TIP,
    I18N_CALLOUT_IMPORTANT,
    I18N_CALLOUT_WARNING,
    I18N_CALLOUT_CAUTION,
    I18N_KEY_COUNT
} i18n_key;

/* The string for `key` in `locale` (anything not "zh-CN" is English). Never NULL. */
const char *i18n_text(const char *locale, i18n_key key);

#endif
