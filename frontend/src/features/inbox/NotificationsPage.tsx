// `/inbox/notifications`: what the automations told this person (a project past 80 %, a
// deal won, an approval decided), newest first; unread ones stand out, opening one marks it
// read and goes to the record it is about.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, Empty, List, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { fetchNotifications, markAllNotificationsRead, markNotificationRead, type Notification } from '../../api/workflows';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys } from '../../app/queries';

export function NotificationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const notifications = useQuery({ queryKey: queryKeys.notifications, queryFn: ({ signal }) => fetchNotifications(signal) });
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.notifications });
  const markOne = useMutation({ mutationFn: (id: number) => markNotificationRead(id), onSettled: refresh });
  const markAll = useMutation({ mutationFn: markAllNotificationsRead, onSettled: refresh });

  if (notifications.error) return <LoadError error={notifications.error} onRetry={() => void notifications.refetch()} />;
  if (!notifications.data) return <Loading />;
  const unread = notifications.data.filter((n) => !n.read).length;
  const open = (item: Notification) => {
    if (!item.read) markOne.mutate(item.id);
    if (item.link) navigate(paths.record(item.link.entity, item.link.id));
  };
  return (
    <Card
      title={
        <Space>
          {t('inbox.notifications')}
          {unread > 0 && <Badge count={unread} />}
        </Space>
      }
      extra={
        <Button onClick={() => markAll.mutate()} disabled={unread === 0} loading={markAll.isPending} data-testid="notifications-read-all">
          {t('inbox.markAllRead')}
        </Button>
      }
    >
      {notifications.data.length === 0 ? (
        <Empty description={t('inbox.noNotifications')} />
      ) : (
        <List
          data-testid="notifications-list"
          dataSource={notifications.data}
          renderItem={(item) => (
            <List.Item
              data-testid="notification"
              data-read={item.read}
              actions={[
                item.link && (
                  <Button key="open" type="link" onClick={() => open(item)}>
                    {t('inbox.open')}
                  </Button>
                ),
                !item.read && (
                  <Button key="read" type="link" onClick={() => markOne.mutate(item.id)}>
                    {t('inbox.markRead')}
                  </Button>
                ),
              ].filter(Boolean)}
            >
              <List.Item.Meta
                avatar={<Badge status={item.read ? 'default' : 'processing'} aria-label={item.read ? undefined : t('inbox.unread')} />}
                title={<Typography.Text strong={!item.read}>{item.title}</Typography.Text>}
                description={
                  <>
                    {item.body && <div>{item.body}</div>}
                    <Typography.Text type="secondary">{dayjs(item.created_at).format('YYYY-MM-DD HH:mm')}</Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
