// The customer portal (/portal/*): a slim, friendly view of a customer's delivery projects,
// their tickets and the NPS survey. Its nested routes live here.

import { Route, Routes } from 'react-router';
import { PortalHome } from './PortalHome';
import { PortalProjectPage } from './PortalProjectPage';
import { PortalTicketsPage } from './PortalTicketsPage';
import { PortalNewTicketPage } from './PortalNewTicketPage';
import { PortalSurveyPage } from './PortalSurveyPage';

export function PortalPage() {
  return (
    <div data-testid="portal" style={{ maxWidth: 1040, margin: '0 auto', padding: '16px 12px', width: '100%' }}>
      <Routes>
        <Route index element={<PortalHome />} />
        <Route path="projects/:id" element={<PortalProjectPage />} />
        <Route path="tickets" element={<PortalTicketsPage />} />
        <Route path="tickets/new" element={<PortalNewTicketPage />} />
        <Route path="survey/:project" element={<PortalSurveyPage />} />
        <Route path="*" element={<PortalHome />} />
      </Routes>
    </div>
  );
}
