import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BookedEvent, Slot } from './api';
import { api, settle, statusOf } from './api';
import { AttemptKeys } from './attempt-keys';
import type { FieldErrors, FormValues } from './booking-form';
import { BookingForm, emptyForm } from './booking-form';
import { CalendarFacts } from './calendar-facts';
import { Confirmation } from './confirmation';
import type { SlotSource } from './month-slots';
import { bookingSource } from './month-slots';
import { Notice } from './notice';
import { readRefusal } from './outcomes';
import type { CalendarPublic } from './page-data';
import { SlotPicker } from './slot-picker';
import { detectedZone } from './zone-select';
import { formatMeeting } from './zoned-time';

type View = { kind: 'pick' } | { kind: 'form'; slot: Slot } | { kind: 'done'; event: BookedEvent };
type Alert = { text: string; focus: boolean };

const splitEmails = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);

/** `/book/{calendar_id}`: pick a day and a time in your zone, give your details, confirm. */
export function BookPage({ calendar }: { calendar: CalendarPublic }) {
  const [zone, setZone] = useState(detectedZone);
  const [view, setView] = useState<View>({ kind: 'pick' });
  const [values, setValues] = useState<FormValues>(emptyForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<Alert | null>(null);
  const [sending, setSending] = useState(false);
  const [reloads, setReloads] = useState(0);
  const keys = useRef(new AttemptKeys());
  // After "Change time", focus returns to the time that was chosen.
  const returnTo = useRef<string | null>(null);
  useEffect(() => {
    if (view.kind !== 'pick' || !returnTo.current) return;
    document.querySelector<HTMLElement>(`[data-start="${returnTo.current}"]`)?.focus();
    returnTo.current = null;
  }, [view]);
  const source = useMemo<SlotSource>(() => bookingSource(calendar), [calendar]);

  async function confirm(slot: Slot) {
    const guests = splitEmails(values.guests);
    const body = {
      calendar_id: calendar.id,
      title: calendar.name,
      start_time: slot.start_time,
      end_time: slot.end_time,
      booked_by: values.email.trim(),
      ...(values.name.trim() && { booker_name: values.name.trim() }),
      ...(guests.length > 0 && { guests }),
      ...(values.notes.trim() && { notes: values.notes.trim() }),
    };
    const key = keys.current.keyFor(body);
    setSending(true);
    setAlert(null);
    const result = await settle(
      api.POST('/api/event/events', { body, params: { header: { 'idempotency-key': key } } }),
    );
    setSending(false);
    // Another slot or other details make another body, so another attempt; so does any 2xx or 4xx.
    keys.current.settled(result.ok ? 200 : statusOf(result.failure));
    if (result.ok) {
      setErrors({});
      return setView({ kind: 'done', event: result.data });
    }
    const refusal = readRefusal(result.failure);
    setErrors(refusal.kind === 'invalid' ? refusal.errors : {});
    if (refusal.kind === 'taken') {
      setView({ kind: 'pick' });
      setReloads((count) => count + 1);
    }
    setAlert({ text: refusal.message, focus: refusal.kind === 'taken' });
  }

  const pick = (slot: Slot) => {
    setAlert(null);
    setView({ kind: 'form', slot });
  };

  return (
    <main class="page">
      <div class="card">
        <CalendarFacts calendar={calendar} zone={zone} onZone={setZone} />
        <div class="panel">
          {alert && (
            <Notice key={alert.text} kind="alert" focus={alert.focus}>
              <p>{alert.text}</p>
            </Notice>
          )}
          {view.kind === 'done' ? (
            <Confirmation event={view.event} calendar={calendar} zone={zone} />
          ) : (
            <>
              <div hidden={view.kind !== 'pick'}>
                <SlotPicker
                  source={source}
                  zone={zone}
                  heading="h2"
                  chosen={null}
                  onPick={pick}
                  reloadSignal={reloads}
                />
              </div>
              {view.kind === 'form' && (
                <BookingForm
                  summary={formatMeeting(view.slot.start_time, view.slot.end_time, zone)}
                  values={values}
                  errors={errors}
                  sending={sending}
                  onChange={(next) => {
                    keys.current.reset();
                    setValues(next);
                  }}
                  onSubmit={() => void confirm(view.slot)}
                  onChangeTime={() => {
                    returnTo.current = view.slot.start_time;
                    setAlert(null);
                    setView({ kind: 'pick' });
                  }}
                />
              )}
            </>
          )}
        </div>
      </div>
    </main>
  );
}
