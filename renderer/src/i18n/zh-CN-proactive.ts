/**
 * The catalogue of 未诉先办 (issue 14): class cases (类案) and the monthly analysis (每月分析研判).
 * Kept in its own file and joined into zh-CN.ts, so its keys stay together.
 */
export const proactiveZh = {
  title: '未诉先办',
  tabs: { cases: '类案办理', monthly: '每月分析研判' },
  cases: {
    listTitle: '类案',
    empty: '暂无类案。可在工单搜索中勾选同类工单后建立类案，或由热点提升为类案。',
    state: { open: '办理中', closed: '已办结', all: '全部' },
    source: { tickets: '人工勾选', hotspot: '热点提升' },
    number: '类案编号',
    members: '{{count}} 件工单',
    finished: '已办结 {{count}} 件',
    leadDepartment: '牵头单位',
    noPackage: '尚未落实包保责任',
    pick: '选择一个类案查看详情',
    rule: '自动归集规则',
    ruleText: '分类：{{category}} · 区域：{{area}} · 关键词：{{terms}}',
    anyCategory: '不限',
    anyArea: '全市',
    noTerms: '未设关键词（不自动归集）',
    package: {
      title: '包保责任',
      lead: '牵头单位', person: '责任人', co: '配合单位', save: '保存包保', edit: '设置包保',
    },
    measures: {
      title: '整改措施', content: '措施内容', owner: '责任单位', deadline: '完成时限', add: '添加措施', empty: '尚无整改措施',
      status: { planned: '未开始', in_progress: '推进中', done: '已完成' }, overdue: '已逾期',
    },
    counters: {
      title: '整改进度', label: '进度项（如 路灯修复）', unit: '单位', target: '目标数', value: '当前完成', owner: '填报单位', add: '添加进度项',
      empty: '尚无进度项', update: '更新进度', save: '保存', progress: '{{label}} {{value}} / {{target}}{{unit}}',
      owner_hint: '由 {{owner}} 填报',
    },
    reply: {
      title: '统一答复', placeholder: '写给本类案全部来电市民的答复', send: '答复全部 {{count}} 件工单', sent: '已于 {{time}} 统一答复', none: '尚未统一答复',
      confirm: '该答复将写入全部 {{count}} 件工单的办理过程，确定发送？',
    },
    close: {
      button: '办结类案', title: '办结类案', note: '办结说明', reply: '办结答复（写入每件工单）', confirm: '办结',
      hint: '已登记的工单将以答复直接办结，已审核或已回访的工单将办结；仍在部门办理中的工单不能在此办结，会列出来。',
      result: '已办结 {{closed}} 件，原已办结 {{already}} 件。',
      blocked: '以下 {{count}} 件工单仍在办理中，未能办结：',
    },
    escalate: {
      button: '转协商', title: '类案转政协直通车', reason: '转协商理由', done: '已转协商，事项编号 {{number}}', linked: '协商事项 {{number}}',
    },
    memberList: '成员工单', auto: '自动归集', picked: '人工加入',
    timeline: '办理记录',
    actions: {
      'classCase.created': '建立类案', 'classCase.membersAdded': '加入工单', 'classCase.ruleSet': '设置归集规则', 'classCase.packageSet': '设置包保',
      'classCase.measureAdded': '添加措施', 'classCase.measureUpdated': '更新措施', 'classCase.counterAdded': '添加进度项', 'classCase.counterUpdated': '更新进度',
      'classCase.replied': '统一答复', 'classCase.closed': '办结类案', 'classCase.escalated': '转协商', 'classCase.autoAttached': '自动归集工单',
    },
    counterChange: '{{label}}：{{from}} → {{to}}',
    create: {
      button: '建立类案（已选 {{count}} 件）', title: '建立类案', name: '类案名称', terms: '关键词（用于自动归集新工单，逗号分隔）',
      category: '分类（可选）', area: '区域（可选）', submit: '建立', created: '已建立类案 {{number}}', clear: '清除选择', select: '选择',
    },
    notice: {
      title: '已有类案覆盖此诉求',
      body: '类案 {{number}}「{{title}}」正在整治（已归集 {{members}} 件，命中：{{terms}}）。登记后本工单将自动归入该类案。',
      reply: '统一答复口径：{{reply}}',
    },
  },
  monthly: {
    reportTitle: '{{year}} 年 {{month}} 月 12345 热线分析研判',
    month: '月份',
    generate: '生成研判',
    regenerate: '重新生成',
    export: '导出 Word',
    print: '打印',
    generatedAt: '生成于 {{time}}',
    hint: '选择月份后生成本月分析研判。大数据量时需要一些时间，可随时取消。',
    overview: '总体情况',
    total: '本月工单',
    lastMonth: '上月',
    lastYear: '去年同月',
    mom: '环比',
    yoy: '同比',
    noHistory: '无完整历史数据',
    ratesTitle: '三率（本月登记工单）',
    rate: { response: '响应率', resolution: '解决率', satisfaction: '满意率' },
    visits: '回访 {{count}} 件',
    daily: '每日工单量',
    domains: '分领域',
    districts: '分区县',
    topIssues: '突出问题（前 10 类）',
    classCases: '类案办理',
    findings: '研判发现',
    noFindings: '本月未发现明显异常。',
    noCases: '本月无类案。',
    empty: '本月没有登记工单，暂无可分析的数据。',
    emptyHistory: '本月早于系统中最早的工单（{{date}}），没有历史数据。',
    col: { name: '名称', count: '本月', lastMonth: '上月', mom: '环比', lastYear: '去年同月', yoy: '同比', domain: '所属领域' },
    series: { count: '本月', lastMonth: '上月' },
    finding: {
      surge: '{{subject}}：本月 {{count}} 件，上月 {{lastMonth}} 件，环比 {{change}}',
      low_satisfaction: '{{subject}}：满意率 {{rate}}，低于 80%',
      scope: { domain: '领域', district: '区县' },
      escalate: '转协商',
      reason: '转协商理由',
      done: '已转协商，事项编号 {{number}}',
    },
  },
} as const;

/** Reasons main gives about class cases and the analysis (errors.<reason>). */
export const proactiveErrors = {
  class_case_no_members: '类案至少要包含一件工单，请先勾选工单。',
  class_case_ticket_not_found: '部分工单不存在或已被删除，请重新选择。',
  class_case_stale: '该类案刚被他人修改，请查看最新内容后再操作。',
  class_case_counter_stale: '该进度刚被他人更新，请查看最新数字后再填报。',
  class_case_measure_stale: '该措施刚被他人更新，请刷新后再操作。',
  class_case_closed: '该类案已办结，不能再修改。',
  class_case_not_owner: '只有该进度项（或措施）的责任单位和值班长可以更新。',
  class_case_reply_required: '办结类案前请先填写统一答复。',
  class_case_already_escalated: '该类案已在协商队列中。',
  class_case_members_on_queue: '该类案的工单都已在协商队列中。',
  analysis_finding_no_tickets: '该发现涉及的工单都已在协商队列中。',
} as const;

/** Field problems of these screens (problems.codes.<problem>). */
export const proactiveProblems = {
  class_case_counter_negative: '进度不能小于 0',
  class_case_counter_above_target: '进度不能超过目标数',
  class_case_counter_not_integer: '进度须为整数',
  in_future: '不能选择未来的月份',
  in_past: '日期不能早于今天',
} as const;
