import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { EventBody, Slot } from './api';
import { api, bearer, settle, statusOf } from './api';
import { AttemptKeys } from './attempt-keys';
import type { SlotSource } from './month-slots';
import { Notice } from './notice';
import { readRefusal } from './outcomes';
import type { CalendarPublic } from './page-data';
import { SlotPicker } from './slot-picker';
import { fetchEvent } from './use-booking';
import { formatMeeting, minutesBetween } from './zoned-time';

interface ReschedulePanelProps {
  event: EventBody;
  calendar: CalendarPublic;
  token: string;
  zone: string;
  focusHeading: boolean;
  onRescheduled: (event: EventBody) => void;
  /** The booking was canceled meanwhile (in another tab, or by the owner). */
  onGone: () => void;
}

type Message = { kind: 'alert' | 'status'; text: string };

/** The **Reschedule** section: pick another listed time and move the booking there in one step. */
export function ReschedulePanel(props: ReschedulePanelProps) {
  const { event, calendar, token, zone, focusHeading, onRescheduled, onGone } = props;
  const [chosen, setChosen] = useState<Slot | null>(null);
  const [notice, setNotice] = useState<Message | null>(null);
  const [sending, setSending] = useState(false);
  const [reloads, setReloads] = useState(0);
  const keys = useRef(new AttemptKeys());
  const heading = useRef<HTMLHeadingElement>(null);
  const chosenText = useRef<HTMLParagraphElement>(null);
  // A calendar without a meeting length: keep the booking's own length.
  const minutes = minutesBetween(event.start_time, event.end_time);
  const source = useMemo<SlotSource>(
    () => ({
      calendarId: calendar.id,
      duration: calendar.meeting_duration_minutes === null ? minutes : null,
      horizonDays: calendar.booking_horizon_days,
    }),
    [calendar, minutes],
  );

  useEffect(() => {
    if (focusHeading) heading.current?.focus();
  }, []);
  useEffect(() => {
    if (chosen) chosenText.current?.focus();
  }, [chosen]);

  async function reschedule(slot: Slot) {
    const body = { start_time: slot.start_time, end_time: slot.end_time };
    const key = keys.current.keyFor(body);
    setSending(true);
    setNotice(null);
    const result = await settle(
      api.POST('/api/event/events/{event_id}/reschedule', {
        params: { path: { event_id: event.id }, header: { 'idempotency-key': key } },
        headers: bearer(token),
        body,
      }),
    );
    // Another slot makes another body, so another attempt; so does any 2xx or 4xx.
    keys.current.settled(result.ok ? 200 : statusOf(result.failure));
    if (result.ok) {
      setSending(false);
      setChosen(null);
      setReloads((count) => count + 1);
      onRescheduled(result.data);
      return setNotice({
        kind: 'status',
        text: `Rescheduled to ${formatMeeting(slot.start_time, slot.end_time, zone)}.`,
      });
    }
    // A 409 is a taken time, or a booking canceled meanwhile: its current state tells which.
    if (statusOf(result.failure) === 409) {
      const current = await fetchEvent(event.id, token);
      if (current.ok && current.data.status === 'canceled') return onGone();
    }
    setSending(false);
    const refusal = readRefusal(result.failure);
    if (refusal.kind === 'taken') {
      setChosen(null);
      setReloads((count) => count + 1);
    }
    setNotice({ kind: 'alert', text: refusal.message });
  }

  return (
    <section class="reschedule" aria-labelledby="reschedule-heading">
      <h2 id="reschedule-heading" ref={heading} tabIndex={-1}>
        Reschedule
      </h2>
      <p class="muted">Pick a new time. Your booking keeps its current time until you confirm the new one.</p>
      {notice && (
        <Notice key={notice.text} kind={notice.kind} focus>
          <p>{notice.text}</p>
        </Notice>
      )}
      <SlotPicker
        source={source}
        zone={zone}
        heading="h3"
        chosen={chosen?.start_time ?? null}
        onPick={(slot) => {
          setNotice(null);
          setChosen(slot);
        }}
        reloadSignal={reloads}
      />
      {chosen && (
        <div class="new-time">
          <p ref={chosenText} tabIndex={-1}>
            New time: <strong>{formatMeeting(chosen.start_time, chosen.end_time, zone)}</strong>
          </p>
          <button type="button" class="primary" disabled={sending} onClick={() => void reschedule(chosen)}>
            Reschedule
          </button>
        </div>
      )}
    </section>
  );
}
