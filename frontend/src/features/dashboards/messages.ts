// The dashboards screens' UI strings, in English and Simplified Chinese (merged into i18n/resources.ts
// under the `dashboards` namespace key).

export const en = {
  title: 'Dashboards',
  filters: 'Filters',
  dateRange: 'Date range',
  dateFieldOf: 'Date field for {{entity}}',
  mine: 'Only mine',
  clear: 'Clear filters',
  openList: 'Open list',
  openGroupList: 'Open the list of {{group}}',
  empty: '(empty)',
  noData: 'No records',
  group: 'Group',
  value: 'Value',
  notFilteredByDate: 'Not filtered by date',
  notFilteredByOwner: 'Not filtered by owner',
  widgetError: 'This figure could not be shown',
  forbidden: 'You may not read these records',
  chartOf: 'Chart: {{label}}',
  refreshing: 'Updating…',
};

export const zhCN: typeof en = {
  title: '仪表盘',
  filters: '筛选',
  dateRange: '日期范围',
  dateFieldOf: '{{entity}}的日期字段',
  mine: '只看我的',
  clear: '清除筛选',
  openList: '打开列表',
  openGroupList: '打开“{{group}}”的列表',
  empty: '（空）',
  noData: '没有记录',
  group: '分组',
  value: '数值',
  notFilteredByDate: '未按日期筛选',
  notFilteredByOwner: '未按负责人筛选',
  widgetError: '无法显示此数据',
  forbidden: '你无权查看这些记录',
  chartOf: '图表：{{label}}',
  refreshing: '更新中…',
};
