// Dragging a kanban card to a column the way a person does, for every browser test that uses
// a board: dnd-kit's pointer sensor starts a drag only after the pointer moves a few pixels
// with the button held, and finds the drop column under the pointer when it is released.
import type { Locator, Page } from 'playwright-core';

/** Presses on `card`, moves in small steps and releases over the upper part of `column`. */
export async function dragTo(page: Page, card: Locator, column: Locator): Promise<void> {
  await card.scrollIntoViewIfNeeded();
  const from = await card.boundingBox();
  const to = await column.boundingBox();
  if (!from || !to) throw new Error('card or column not visible');
  // Near the card's bottom edge: its title is a link that does not start drags.
  await page.mouse.move(from.x + from.width / 2, from.y + from.height - 8);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height - 4, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + Math.min(80, to.height / 2), { steps: 15 });
  await page.mouse.up();
}

/** Waits until no column is still loading: a column that fills in moves the others' drop areas. */
export async function boardSettled(page: Page, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while ((await page.getByTestId('kanban').getByTestId('page-loading').count()) > 0) {
    if (Date.now() > deadline) throw new Error('the board kept loading');
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(300); // the last column's cards lay out
}

/**
 * Drags the card `kanban-card-<id>` onto the column `kanban-column-<choice>` by their test ids
 * (e.g. `dragCard(page, 'kanban-card-42', 'kanban-column-done')`); wait afterwards for the card
 * inside the column, or for `board-notice` / `transition-form` when the move asks or refuses.
 */
export async function dragCard(page: Page, cardTestId: string, columnTestId: string): Promise<void> {
  const card = page.getByTestId(cardTestId);
  await card.waitFor();
  await boardSettled(page);
  await dragTo(page, card, page.getByTestId(columnTestId));
}
