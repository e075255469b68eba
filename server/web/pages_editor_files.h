/*
 * pages_editor_files.h — the editor's "which copy is the source" line under Save.
 *
 * Owns: its element, p.tl-editor-files, and the UI strings (en, zh-CN) that
 * static/js/editor-files.js fills it with from GET /api/v1/lessons/{slug}'s `source`
 * (lessons_sync_source_json): one message per state, with {file} and {when}.
 * Does not: decide the state (lessons_sync.c) or touch the store.
 */
#ifndef TCPLAB_PAGES_EDITOR_FILES_H
#define TCPLAB_PAGES_EDITOR_FILES_H

#include "../util/strbuf.h"

/* Appends the empty line with its data-msg-* texts in `loc` ("en" or "zh-CN"). */
void pages_editor_files_line(strbuf *b, const char *loc);

#endif
