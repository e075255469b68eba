/*
 * i18n.c — locale negotiation and the page-chrome strings in English and Simplified
 * Chinese (written as Chinese sites phrase them, not word for word).
 * Owns: the string table below. Does not: know HTTP or lesson texts.
 */
#include "i18n.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

const char *i18n_locale_canonical(const char *s)
{
    if (!s)
        return NULL;
    if (!strcasecmp(s, I18N_EN))
        return I18N_EN;
    if (!strcasecmp(s, I18N_ZH_CN))
        return I18N_ZH_CN;
    return NULL;
}

const char *i18n_other_locale(const char *locale)
{
    return (locale && !strcmp(locale, I18N_ZH_CN)) ? I18N_EN : I18N_ZH_CN;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses a qvalue ("0", "0.5", "1", "1.000") into thousandths; -1 if malformed. */
static int parse_q(const char *s, size_t n)
{
    if (n == 0 || n > 5)
        return -1;
    if (s[0] != '0' && s[0] != '1')
        return -1;
    int v = (s[0] - '0') * 1000;
    if (n == 1)
        return v;
    if (s[1] != '.')
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v += (s[i] - '0') * scale;
        scale /= 10;
    }
    return v > 1000 ? -1 : v;
}

/* Maps one language range to a supported locale, or NULL. */
static const char *match_range(const char *tag, size_t n)
{
    if (n == 1 && tag[0] == '*')
        return I18N_EN;
    if (n >= 2 && !strncasecmp(tag, "zh", 2) && (n == 2 || tag[2] == '-'))
        return I18N_ZH_CN;
    if (n >= 2 && !strncasecmp(tag, "en", 2) && (n == 2 || tag[2] == '-'))
        return I18N_EN;
    return NULL;
}

const char *i18n_from_accept_language(const char *header)
{
    if (!header)
        return NULL;
    const char *best = NULL;
    int best_q = 0;
    const char *p = header;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        /* one element: range *( OWS ";" OWS parameter ) */
        const char *s = p;
        while (s < end && is_space(*s))
            s++;
        const char *tag = s;
        while (s < end && *s != ';' && !is_space(*s))
            s++;
        size_t tag_len = (size_t)(s - tag);
        int q = 1000, ok = tag_len > 0 && tag_len <= 35;
        for (size_t i = 0; ok && i < tag_len; i++) {
            char c = tag[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '*'))
                ok = 0;
        }
        while (ok && s < end) {
            while (s < end && is_space(*s))
                s++;
            if (s == end)
                break;
            if (*s != ';') {
                ok = 0;
                break;
            }
            s++;
            while (s < end && is_space(*s))
                s++;
            const char *param = s;
            while (s < end && *s != ';' && !is_space(*s))
                s++;
            size_t plen = (size_t)(s - param);
            if (plen >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                q = parse_q(param + 2, plen - 2);
                if (q < 0)
                    ok = 0;
            }
        }
        if (ok && q > best_q) {
            const char *m = match_range(tag, tag_len);
            if (m) {
                best = m;
                best_q = q;
            }
        }
        p = *end ? end + 1 : end;
    }
    return best;
}

const char *i18n_negotiate(const char *query_lang, const char *cookie_lang,
                           const char *accept_language, bool *remember)
{
    if (remember)
        *remember = false;
    const char *l = i18n_locale_canonical(query_lang);
    if (l) {
        if (remember)
            *remember = true;
        return l;
    }
    l = i18n_locale_canonical(cookie_lang);
    if (l)
        return l;
    l = i18n_from_accept_language(accept_language);
    return l ? l : I18N_EN;
}

typedef struct i18n_pair {
    const char *en, *zh;
} i18n_pair;

static const i18n_pair strings[I18N_KEY_COUNT] = {
    [I18N_SITE_NAME] = {"TCP Lab", "TCP 实验室"},
    [I18N_NAV_LABEL] = {"Main", "主导航"},
    [I18N_NAV_HOME] = {"Home", "首页"},
    [I18N_NAV_LESSONS] = {"Lessons", "课程"},
    [I18N_NAV_PLAYGROUND] = {"Playground", "实验场"},
    [I18N_LANG_SWITCH_LABEL] = {"中文", "English"},
    [I18N_SKIP_TO_CONTENT] = {"Skip to content", "跳到正文"},
    [I18N_HOME_TITLE] = {"TCP Lab", "TCP 实验室"},
    [I18N_HOME_TAGLINE] = {"Learn how TCP opens and closes connections, one segment at a time.",
                           "一个报文段一个报文段地看懂 TCP 如何建立和断开连接。"},
    [I18N_HOME_INTRO] =
        {"TCP Lab runs a faithful model of RFC 9293 in the server and draws what it does: "
         "every SYN, ACK and FIN on a sequence diagram, every state change on the RFC's state "
         "diagram. Read the lessons, step through each exchange, answer the quizzes, and try "
         "your own scenarios — lost segments, simultaneous opens, resets — in the playground.",
         "TCP 实验室在服务器上运行一个严格遵循 RFC 9293 的 TCP 模型，并把它的一举一动画出来："
         "每个 SYN、ACK、FIN 都画在时序图上，每次状态迁移都标在 RFC 的状态图里。"
         "你可以先读课程，逐步回放每一次交互，再做练习题；也可以到实验场自己设计场景——"
         "丢包、同时打开、连接复位，都能亲手试一试。"},
    [I18N_HOME_START] = {"Start the lessons", "开始学习"},
    [I18N_HOME_PLAY] = {"Open the playground", "进入实验场"},
    [I18N_HOME_LESSONS_HEADING] = {"Lessons", "课程目录"},
    [I18N_LESSONS_TITLE] = {"Lessons", "课程"},
    [I18N_LESSONS_INTRO] = {"Work through them in order: each builds on the one before.",
                            "建议按顺序学习，后面的课程以前面的内容为基础。"},
    [I18N_LESSONS_EMPTY] = {"No lessons are installed yet.", "暂时还没有课程。"},
    [I18N_LESSON_N_OF] = {"Lesson %d of %d", "第 %d 课（共 %d 课）"},
    [I18N_PREV] = {"Previous", "上一课"},
    [I18N_NEXT] = {"Next", "下一课"},
    [I18N_PAGER_LABEL] = {"Lesson navigation", "课程翻页"},
    [I18N_TAGS_LABEL] = {"Topics", "主题"},
    [I18N_NOT_TRANSLATED] = {"This lesson is not available in English yet; showing the Chinese "
                             "version.",
                             "本课暂无中文版，下面显示的是英文原文。"},
    [I18N_PLAYGROUND_TITLE] = {"Playground", "实验场"},
    [I18N_PLAYGROUND_INTRO] =
        {"Start from a built-in scenario or from scratch and change anything: who opens and "
         "closes and when, ISNs, latency, timers, lost, delayed or duplicated segments, injected "
         "segments, aborts and crashes. Then run it and step through the result.",
         "从一个内置场景或从零开始，任意修改：谁在什么时候打开、关闭连接，初始序列号，时延，定时器"
         "，"
         "丢失、延迟或重复的报文段，注入的报文段，异常终止和崩溃。然后运行，一步一步查看结果。"},
    [I18N_PG_SCENARIO] = {"Start from", "从这里开始"},
    [I18N_PG_CUSTOM] = {"Start from scratch", "从零开始"},
    [I18N_PG_RUN] = {"Run", "运行"},
    [I18N_PG_SHARE] = {"Link to this simulation", "本次模拟的分享链接"},
    [I18N_PG_RESULT] = {"Result", "运行结果"},
    [I18N_PG_UNKNOWN_SCENARIO] = {"There is no built-in scenario with that name.",
                                  "没有这个名字的内置场景。"},
    [I18N_PG_UNKNOWN_SIM] = {"No saved simulation has that id.", "找不到这个编号的模拟记录。"},
    [I18N_PG_FAILED] = {"The scenario could not be run.", "这个场景无法运行。"},
    [I18N_NOT_FOUND_TITLE] = {"Page not found", "页面不存在"},
    [I18N_NOT_FOUND_TEXT] = {"There is nothing at this address.", "这个地址下没有内容。"},
    [I18N_BACK_TO_LESSONS] = {"Back to the lessons", "返回课程目录"},
    [I18N_FOOTER] = {"TCP Lab — connection setup and teardown per RFC 9293.",
                     "TCP 实验室——依据 RFC 9293 讲解连接的建立与断开。"},
    [I18N_CALLOUT_NOTE] = {"Note", "说明"},
    [I18N_CALLOUT_TIP] = {"Tip", "提示"},
    [I18N_CALLOUT_IMPORTANT] = {"Important", "重要"},
    [I18N_CALLOUT_WARNING] = {"Warning", "警告"},
    [I18N_CALLOUT_CAUTION] = {"Caution", "注意"},
};

const char *i18n_text(const char *locale, i18n_key key)
{
    if ((int)key < 0 || key >= I18N_KEY_COUNT || !strings[key].en)
        return "";
    if (locale && !strcmp(locale, I18N_ZH_CN))
        return strings[key].zh;
    return strings[key].en;
}
