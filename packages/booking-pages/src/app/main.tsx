import { render } from 'preact';
import { BookPage } from './book-page';
import { ManagePage } from './manage-page';
import { bookingSource, prefetchMonthSlots } from './month-slots';
import type { PageData } from './page-data';
import { PAGE_DATA_ID } from './page-data';
import { readDeepLink } from './slot-picker';
import { detectedZone } from './zone-select';
import './styles.css';
import './controls.css';
import './picker.css';
import './pages.css';

/** The data the gateway wrote into the page; none on its plain pages (not found, unavailable). */
function readPageData(): PageData | null {
  const element = document.getElementById(PAGE_DATA_ID);
  if (!element?.textContent) return null;
  try {
    return JSON.parse(element.textContent) as PageData;
  } catch {
    return null;
  }
}

// For `pnpm bench pages`: when the bundle has been fetched, compiled and evaluated.
performance.mark('slotkeeper:script-evaluated');
const data = readPageData();
const root = document.getElementById('app');
if (data?.page === 'booking') {
  // The booking page reads its token from the fragment once; another fragment is another page.
  addEventListener('hashchange', () => location.reload());
}
if (data?.page === 'book') {
  // The first month's times are asked for before the first render, in the zone it will show.
  const zone = detectedZone();
  prefetchMonthSlots(bookingSource(data.calendar), readDeepLink(zone).month, zone);
}
if (data && root) {
  render(data.page === 'book' ? <BookPage calendar={data.calendar} /> : <ManagePage eventId={data.event_id} />, root);
}
