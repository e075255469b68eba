/*
 * i18n.js — the browser-side UI strings of TCP Lab in English and Simplified Chinese.
 *
 * Owns: the small label table used by the player, quiz and playground scripts, and the
 * choice of language (document.documentElement.lang: "zh-CN" → Chinese, anything else →
 * English). Does not: translate server-rendered text (the server does that) or switch
 * language (the switch is a plain link rendered by the server).
 */

const STRINGS = {
  en: {
    first: 'First step', prev: 'Previous', next: 'Next', last: 'Last step',
    play: 'Play', pause: 'Pause',
    player: 'Step through the trace',
    pos: (k, n) => `Step ${k} of ${n}`,
    start: 'Before the first step. Press → or “Next” to start.',
    client: 'Client', server: 'Server', variable: 'Variable', state: 'State',
    tcb: 'TCB variables after this step',
    noTcb: '—',
    rule: 'Rule',
    at: (t) => `t = ${t} ms`,
    call: (ep, call, bytes) => `${ep} calls ${call}${bytes ? ` (${bytes} bytes)` : ''}`,
    send: (ep, seg) => `${ep} sends ${seg}`,
    rtx: 'retransmission',
    receive: (ep, seg) => `${ep} receives ${seg}`,
    duplicate: 'duplicate',
    drop: (ep, seg) => `the network drops ${ep}’s ${seg}`,
    timeout: (ep, timer) => `${ep}: ${timer === 'time-wait' ? 'TIME-WAIT timer (2MSL)' : timer === 'retransmission' ? 'retransmission timer' : 'timer'} expires`,
    inject: (ep, seg) => `a crafted segment arrives at ${ep}: ${seg}`,
    stateChange: (a, b) => `${a} → ${b}`,
    error: 'error', signal: 'signal',
    keysHint: 'Keys: ← → Home End',
    check: 'Check',
    correct: 'Correct.', incorrect: 'Not quite.', partial: 'Partly right.',
    score: (p, m) => `${p} of ${m} points`,
    explanation: 'Explanation',
    newNumbers: 'Try again with new numbers',
    formatErrors: 'Please fix your answer:',
    notGradable: 'This answer could not be graded.',
    chooseOne: 'Choose an answer first.',
    enterNumber: 'Enter a whole number.',
    fillAll: (f) => `Fill in ${f}.`,
    loading: 'Loading…',
    network: (s) => `Could not reach the server (${s}). Try again.`,
    moveUp: 'Move up', moveDown: 'Move down',
    moved: (text, i, n) => `“${text}” is now at position ${i} of ${n}.`,
    running: 'Running the simulation…',
    problem: 'The scenario was not accepted:',
    copy: 'Copy link', copied: 'Link copied.',
  },
  'zh-CN': {
    first: '第一步', prev: '上一步', next: '下一步', last: '最后一步',
    play: '自动播放', pause: '暂停',
    player: '逐步查看轨迹',
    pos: (k, n) => `第 ${k} 步，共 ${n} 步`,
    start: '尚未开始。按 → 键或“下一步”开始。',
    client: '客户端', server: '服务器', variable: '变量', state: '状态',
    tcb: '本步之后的 TCB 变量',
    noTcb: '—',
    rule: '规则',
    at: (t) => `t = ${t} 毫秒`,
    call: (ep, call, bytes) => `${ep}调用 ${call}${bytes ? `（${bytes} 字节）` : ''}`,
    send: (ep, seg) => `${ep}发送 ${seg}`,
    rtx: '重传',
    receive: (ep, seg) => `${ep}收到 ${seg}`,
    duplicate: '重复副本',
    drop: (ep, seg) => `网络丢弃了${ep}发出的 ${seg}`,
    timeout: (ep, timer) => `${ep}的${timer === 'time-wait' ? ' TIME-WAIT 定时器（2MSL）' : timer === 'retransmission' ? '重传定时器' : '定时器'}超时`,
    inject: (ep, seg) => `一个伪造的报文段到达${ep}：${seg}`,
    stateChange: (a, b) => `${a} → ${b}`,
    error: '错误', signal: '通知',
    keysHint: '按键：← → Home End',
    check: '检查',
    correct: '回答正确。', incorrect: '回答不正确。', partial: '部分正确。',
    score: (p, m) => `得分 ${p} / ${m}`,
    explanation: '解析',
    newNumbers: '换一组数字再做一次',
    formatErrors: '请修改你的答案：',
    notGradable: '无法评分这个答案。',
    chooseOne: '请先选择一个答案。',
    enterNumber: '请输入一个整数。',
    fillAll: (f) => `请填写 ${f}。`,
    loading: '加载中…',
    network: (s) => `无法连接服务器（${s}），请重试。`,
    moveUp: '上移', moveDown: '下移',
    moved: (text, i, n) => `“${text}”现在位于第 ${i} 位（共 ${n} 项）。`,
    running: '正在运行模拟…',
    problem: '场景未被接受：',
    copy: '复制链接', copied: '链接已复制。',
  },
};

/** The current page's locale: "zh-CN" or "en". */
export function locale() {
  const lang = (document.documentElement.getAttribute('lang') || 'en').toLowerCase();
  return lang.startsWith('zh') ? 'zh-CN' : 'en';
}

/** The label table for the current page. */
export function t() {
  return STRINGS[locale()];
}
