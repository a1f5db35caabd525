import { useEffect, useRef, useState } from 'preact/hooks';
import type { EventBody } from './api';
import { api, bearer, describeFailure, settle, statusOf } from './api';
import { Notice } from './notice';
import { fetchEvent } from './use-booking';

interface CancelControlProps {
  event: EventBody;
  token: string;
  focusButton: boolean;
  onCanceled: (event: EventBody) => void;
  /** The booking was canceled meanwhile (in another tab, or by the owner). */
  onGone: () => void;
}

/** **Cancel booking**, asked once more inline ("Cancel this booking?") before anything is sent. */
export function CancelControl({ event, token, focusButton, onCanceled, onGone }: CancelControlProps) {
  const [asking, setAsking] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const question = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (focusButton) button.current?.focus();
  }, []);
  useEffect(() => {
    if (asking) question.current?.focus();
  }, [asking]);

  async function cancel() {
    setSending(true);
    setError(null);
    // Canceling twice answers 204 as well: a booking canceled meanwhile is told apart by reading it first.
    const current = await fetchEvent(event.id, token);
    if (current.ok && current.data.status === 'canceled') return onGone();
    const result = await settle(
      api.DELETE('/api/event/events/{event_id}', { params: { path: { event_id: event.id } }, headers: bearer(token) }),
    );
    setSending(false);
    if (result.ok) return onCanceled({ ...event, status: 'canceled' });
    if (statusOf(result.failure) === 409) return onGone();
    setError(describeFailure(result.failure));
  }

  return (
    <div class="cancel">
      <button ref={button} type="button" class="danger-outline" aria-expanded={asking} onClick={() => setAsking(true)}>
        Cancel booking
      </button>
      {asking && (
        <div class="confirm-box" role="group" aria-labelledby="cancel-question">
          <p id="cancel-question" ref={question} tabIndex={-1}>
            Cancel this booking?
          </p>
          <div class="actions">
            <button type="button" class="danger" disabled={sending} onClick={() => void cancel()}>
              Yes, cancel it
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setAsking(false);
                setError(null);
                button.current?.focus();
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
      {error && (
        <Notice kind="alert">
          <p>{error}</p>
        </Notice>
      )}
    </div>
  );
}
