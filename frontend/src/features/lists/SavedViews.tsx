// Saved views of a list: the current columns, filter, sort and search kept under a name,
// reopened from a menu, deleted by their owner. Stored through `/api/saved-views`.

import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, type ButtonProps, Checkbox, Dropdown, Input, Modal, Space, message } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import { createSavedView, deleteSavedView, fetchSavedViews } from '../../api/savedViews';
import type { ListState } from './listState';

interface Props {
  entity: string;
  current: ListState;
  onOpen: (state: ListState) => void;
}

export function SavedViews({ entity, current, onOpen }: Props) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [messages, holder] = message.useMessage();
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const queryKey = ['saved-views', entity];
  const views = useQuery({ queryKey, queryFn: ({ signal }) => fetchSavedViews<ListState>(entity, signal) });
  const fail = (error: unknown) => void messages.error(isApiError(error) ? error.message : String(error));
  const create = useMutation({
    mutationFn: () => createSavedView(entity, name.trim(), current, shared),
    onSuccess: () => {
      setSaving(false);
      setName('');
      void messages.success(t('lists.viewSaved'));
      void client.invalidateQueries({ queryKey });
    },
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: (id: number) => deleteSavedView(id),
    onSuccess: () => void client.invalidateQueries({ queryKey }),
    onError: fail,
  });
  const items = views.data ?? [];
  return (
    <>
      {holder}
      <Dropdown
        trigger={['click']}
        menu={{
          items: items.length
            ? items.map((view) => ({
                key: String(view.id),
                label: (
                  <Space style={{ width: '100%', justifyContent: 'space-between' }} data-testid={`saved-view-${view.name}`}>
                    <span>{view.name}</span>
                    {view.mine && (
                      <Button
                        size="small"
                        type="text"
                        aria-label={t('lists.deleteView')}
                        data-testid={`saved-view-delete-${view.name}`}
                        icon={<DeleteOutlined />}
                        onClick={(event) => {
                          event.stopPropagation();
                          remove.mutate(view.id);
                        }}
                      />
                    )}
                  </Space>
                ),
                onClick: () => onOpen(view.state),
              }))
            : [{ key: 'none', label: t('lists.noSavedViews'), disabled: true }],
        }}
      >
        <Button data-testid="saved-views" loading={views.isLoading}>
          {t('lists.savedViews')}
        </Button>
      </Dropdown>
      <Button data-testid="save-view" icon={<SaveOutlined />} onClick={() => setSaving(true)} aria-label={t('lists.saveView')}>
        {t('lists.saveView')}
      </Button>
      <Modal
        open={saving}
        title={t('lists.saveView')}
        okText={t('lists.save')}
        cancelText={t('lists.cancel')}
        okButtonProps={{ disabled: !name.trim(), loading: create.isPending, 'data-testid': 'save-view-ok' } as ButtonProps}
        onOk={() => create.mutate()}
        onCancel={() => setSaving(false)}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input data-testid="save-view-name" aria-label={t('lists.viewName')} placeholder={t('lists.viewName')} value={name} onChange={(e) => setName(e.target.value)} onPressEnter={() => name.trim() && create.mutate()} />
          <Checkbox checked={shared} onChange={(e) => setShared(e.target.checked)}>
            {t('lists.shareView')}
          </Checkbox>
        </Space>
      </Modal>
    </>
  );
}
