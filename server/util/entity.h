/*
 * entity.h — the one table of characters escaped in HTML and SVG text and attribute values.
 *
 * Owns: the mapping & < > " ' → &amp; &lt; &gt; &quot; &#39;. Does not: buffer anything
 * or decide what else a caller drops (svg.c also drops control characters).
 */
#ifndef TCPLAB_ENTITY_H
#define TCPLAB_ENTITY_H

/* The entity that stands for `c` in HTML/XML text and quoted attributes, or NULL when `c`
 * is written as it is. */
const char *entity_for_char(unsigned char c);

#endif
