/*
 * pages_editor_files.c — the editor's source line (see pages_editor_files.h).
 *
 * Owns: the strings below, one pair per `source.state` of the lesson API.
 * Does not: carry script (editor-files.js fills the line in).
 */
#include "pages_editor_files.h"

#include <string.h>

#include "../lessons/i18n.h"

static const struct {
    const char *state;
    const char *text[2]; /* en, zh-CN */
} MSGS[] = {
    {"not-synced",
     {"Source: the database. This lesson has not been imported from files or exported to them.",
      "来源：数据库。这一课还没有从文件导入过，也没有导出到文件。"}},
    {"same",
     {"Source: the database. It matches the file {file} (last synced with the files {when}).",
      "来源：数据库，与文件 {file} 内容一致（上次与文件同步：{when}）。"}},
    {"database-newer",
     {"Source: the database, edited here since the last import from files ({when}). The file "
      "{file} is older: `tcplab lessons export` writes this copy to files.",
      "来源：数据库。自上次从文件导入（{when}）以来，这里有新的修改，文件 {file} 是旧版本；"
      "用 `tcplab lessons export` 可以把这一版写回文件。"}},
    {"file-newer",
     {"Source: the database. The file {file} changed since the last import ({when}): "
      "`tcplab lessons import` brings the change in.",
      "来源：数据库。文件 {file} 在上次导入（{when}）之后改过，用 `tcplab lessons import` "
      "可以把改动导入。"}},
    {"both-changed",
     {"Source: the database. This copy and the file {file} both changed since the last import "
      "({when}): an import is refused until they are merged.",
      "来源：数据库。自上次导入（{when}）以来，这里和文件 {file} "
      "都改过：合并之前，导入会被拒绝。"}},
    {"no-file",
     {"Source: the database (the server has no lesson file for it).",
      "来源：数据库（服务器上没有这一课的文件）。"}},
};

void pages_editor_files_line(strbuf *b, const char *loc)
{
    int zh = loc && !strcmp(loc, I18N_ZH_CN);
    strbuf_put(b, "<p class=\"tl-editor-files\" aria-live=\"polite\"");
    for (size_t i = 0; i < sizeof MSGS / sizeof MSGS[0]; i++) {
        strbuf_printf(b, " data-msg-%s=\"", MSGS[i].state);
        strbuf_escape(b, MSGS[i].text[zh]);
        strbuf_put(b, "\"");
    }
    strbuf_put(b, "></p>\n");
}
