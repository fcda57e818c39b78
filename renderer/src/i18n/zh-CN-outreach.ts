/**
 * The catalogue of 便民服务进小区 (issue 14.5): outreach events, their fast intake and figures.
 * Kept in its own file and joined into zh-CN.ts, so its keys stay together.
 */
export const outreachZh = {
  title: '便民服务进小区',
  plan: '安排活动',
  registeredAt: '在便民服务进小区活动 {{number}} 现场登记',
  registeredAtFixed: '在便民服务进小区活动 {{number}} 现场登记，立行立改',
  totals: '累计成效',
  totalsHint: '已开展（含今天）的活动合计',
  figures: {
    communities: '走进社区', communitiesUnit: '个',
    peopleServed: '服务群众', peopleUnit: '人',
    fixedOnSpot: '立行立改', appeals: '办理诉求', casesUnit: '件',
    dispatched: '转派办理',
    servedDetail: '登记诉求群众 {{citizens}} 人 + 现场接待 {{met}} 人',
  },
  listTitle: '活动列表',
  empty: '暂无活动。值班长或管理员可点击“安排活动”。',
  pick: '选择一场活动查看详情',
  phase: { planned: '待开展', today: '今日开展', held: '已开展' },
  col: { date: '日期', event: '活动', community: '社区', appeals: '诉求', fixed: '立改' },
  detail: {
    where: '{{community}} · {{address}}',
    team: '工作队', members: '参加的政协委员 / 联络站专家', noMembers: '无',
    peopleMet: '现场接待群众（人）', peopleMetHint: '未登记诉求、只作咨询或宣传的群众人数，由工作队填写',
    savePeopleMet: '保存人数', saved: '已保存',
    appeals: '现场登记的诉求', filter: { all: '全部 {{count}}', fixed: '立行立改 {{count}}', dispatched: '转派办理 {{count}}' },
    noAppeals: '尚无登记',
    notOnTeam: '只有本场活动的工作队和参加委员可以在现场登记诉求。',
    notToday: '现场登记只在活动当天开放（{{date}}）。',
  },
  col2: { number: '工单号', title: '诉求', phone: '电话', how: '办理方式', by: '登记人', status: '状态' },
  how: { fixed: '立行立改', dispatched: '转派办理' },
  intake: {
    title: '现场快速登记',
    hint: '本机断网时也可登记，联网后自动同步到中心。',
    phone: '联系电话（可不填）',
    category: '诉求分类',
    content: '诉求内容',
    contentPlaceholder: '简要记录群众反映的问题（至少10个字）',
    fixed: '立行立改（现场已解决）',
    fixNote: '现场处理情况',
    fixNotePlaceholder: '如：现场更换楼道灯泡',
    submitFixed: '登记并办结',
    submitDispatch: '登记并转派',
    registered: '已登记 {{number}}',
    queued: '已保存在本机，联网后自动同步到中心',
    errors: {
      content: '诉求内容至少 10 个字',
      category: '请选择诉求分类',
      fixNote: '请填写现场处理情况（至少 4 个字）',
    },
  },
  planForm: {
    title: '安排便民服务进小区活动',
    name: '活动名称', namePlaceholder: '如：便民服务进小区（幸福社区）',
    community: '社区', communityPlaceholder: '输入社区名称搜索',
    address: '活动地点', addressPlaceholder: '如：社区党群服务中心广场',
    date: '活动日期',
    team: '工作队（登记诉求的人员）',
    members: '参加的政协委员 / 九三学社联络站专家',
    submit: '安排活动', cancel: '取消',
    errors: {
      name: '请填写活动名称', community: '请选择社区', address: '请填写活动地点', date: '请选择活动日期',
      past: '活动日期不能早于今天', team: '工作队至少要有一人',
    },
  },
  communities: { title: '已走进的社区', events: '{{count}} 场', last: '最近 {{date}}' },
  timeline: '活动记录',
  timelineData: {
    planned: '{{date}}，工作队 {{team}} 人，参加委员 {{members}} 人',
    appeal: '{{ticket}}（{{how}}）',
    peopleMet: '{{from}} → {{to}} 人',
  },
} as const;

/** Reasons main gives about outreach events (errors.<reason>). */
export const outreachErrors = {
  outreach_date_in_past: '活动日期已过，不能安排过去的活动，请选择今天或以后的日期。',
  outreach_date_too_far: '活动日期太远（最多提前一年安排），请检查年份。',
  outreach_community_unknown: '找不到该社区，请从列表中选择一个社区（不是街道或区）。',
  outreach_community_retired: '该社区已撤并，请选择现在的社区。',
  outreach_no_team: '工作队至少要有一人，才能在现场登记诉求。',
  outreach_person_twice: '同一人不能既在工作队又作为参加委员，请只选一处。',
  outreach_person_unknown: '所选人员不存在或已停用，请重新选择。',
  outreach_not_team_role: '工作队只能选择话务员、值班长或政协委员（需能登记工单）。',
  outreach_not_member_role: '参加人员只能是政协委员或联络站专家。',
  outreach_not_started: '活动尚未开展，不能填写接待人数。',
  outreach_stale: '该活动刚被他人更新，请查看最新数字后再保存。',
  outreach_event_unknown: '该活动不存在，无法在活动中登记。',
  outreach_channel: '活动现场登记的诉求来源必须是“走访”。',
  outreach_not_on_team: '您不在本场活动的工作队中，不能在活动中登记诉求。',
  outreach_not_event_day: '只能在活动当天登记该活动的诉求。',
} as const;

/** Field problems of these screens (problems.codes.<problem>). */
export const outreachProblems = {
  too_far_ahead: '日期太远，请检查年份',
  duplicate: '同一人不能重复选择',
  role: '所选人员的角色不符合要求',
  outreach_channel: '活动现场登记的来源必须是“走访”',
} as const;
