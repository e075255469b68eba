/*
 * entity.c — see entity.h.
 */
#include "entity.h"

#include <stddef.h>

const char *entity_for_char(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}
