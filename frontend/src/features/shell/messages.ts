// The shell's UI strings (navigation, app switcher, inboxes), in English and Simplified Chinese.

export const en = {
  apps: 'Apps',
  switchApp: 'Switch app',
  dashboards: 'Dashboards',
  records: 'Records',
  views: 'Views',
  noApps: 'No apps yet: ask your builder to install a template.',
  openApp: 'Open',
  notifications: 'Notifications',
  approvals: 'Approvals',
  menu: 'Navigation',
  account: 'Account',
  portal: 'Customer portal',
  viewMissing: 'This view does not exist or you may not open it.',
};

export const zhCN: typeof en = {
  apps: '应用',
  switchApp: '切换应用',
  dashboards: '仪表盘',
  records: '数据',
  views: '视图',
  noApps: '还没有应用：请搭建者安装模板。',
  openApp: '打开',
  notifications: '通知',
  approvals: '审批',
  menu: '导航',
  account: '账户',
  portal: '客户门户',
  viewMissing: '该视图不存在或您无权打开。',
};
