// The signed-in start page: every entity the user may work with, each opening its form.
// (The app switcher and navigation of the end-user app replace it later.)

import { Card, Empty, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchEntities, type EntitySummary } from '../../api/entities';
import { LoadError, Loading } from '../../app/PageStates';
import { localized } from '../../i18n/localized';

export function HomePage() {
  const { t, i18n } = useTranslation();
  const [entities, setEntities] = useState<EntitySummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    fetchEntities(controller.signal)
      .then(setEntities)
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setError(reason);
      });
    return () => controller.abort();
  }, [attempt]);

  if (error) return <LoadError error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!entities) return <Loading />;
  return (
    <Card title={t('home.title')}>
      {entities.length === 0 ? (
        <Empty description={t('home.empty')} />
      ) : (
        <List
          data-testid="home-entities"
          dataSource={entities}
          renderItem={(entity) => (
            <List.Item>
              <List.Item.Meta
                title={<Link to={`/forms/${entity.key}`}>{localized(entity.label, i18n.language) ?? entity.key}</Link>}
                description={<Typography.Text type="secondary">{localized(entity.description, i18n.language)}</Typography.Text>}
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
