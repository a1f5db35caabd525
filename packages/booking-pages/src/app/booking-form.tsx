import { useId, useLayoutEffect, useRef } from 'preact/hooks';

export interface FormValues {
  name: string;
  email: string;
  guests: string;
  notes: string;
}

export type FieldName = keyof FormValues;
export type FieldErrors = Partial<Record<FieldName, string>>;

export const emptyForm: FormValues = { name: '', email: '', guests: '', notes: '' };

interface BookingFormProps {
  summary: string;
  values: FormValues;
  errors: FieldErrors;
  sending: boolean;
  onChange: (values: FormValues) => void;
  onSubmit: () => void;
  onChangeTime: () => void;
}

/** The fields' labels, in the form's order (also how a refusal names a bad field). */
export const FIELD_LABELS: Record<FieldName, string> = {
  name: 'Name',
  email: 'Email',
  guests: 'Guests',
  notes: 'Notes',
};
const HINTS: Partial<Record<FieldName, string>> = {
  guests: 'Optional: comma-separated emails of people to invite too.',
  notes: 'Optional: anything that helps prepare the meeting.',
};

/**
 * The invitee's details for the chosen time. The Name field takes focus when the form opens, and
 * the first field marked invalid when a refusal names some.
 */
export function BookingForm({ summary, values, errors, sending, onChange, onSubmit, onChangeTime }: BookingFormProps) {
  const id = useId();
  const inputs = useRef<Partial<Record<FieldName, HTMLInputElement | HTMLTextAreaElement | null>>>({});
  const opened = useRef(false);
  // A layout effect, before the browser paints the form: a deferred effect could move the focus
  // to Name after the invitee (or autofill) had already started typing into another field, and
  // the rest of what they typed would land in Name. For the same reason the opening focus never
  // takes it from a field of the form that already has it.
  useLayoutEffect(() => {
    const invalid = (Object.keys(FIELD_LABELS) as FieldName[]).find((name) => errors[name]);
    const focused = Object.values(inputs.current).some((input) => input && input === document.activeElement);
    if (invalid) inputs.current[invalid]?.focus();
    else if (!opened.current && !focused) inputs.current.name?.focus();
    opened.current = true;
  }, [errors]);

  const field = (name: FieldName) => {
    const hint = HINTS[name];
    const error = errors[name];
    const described = [hint && `${id}-${name}-hint`, error && `${id}-${name}-error`].filter(Boolean).join(' ');
    return {
      id: `${id}-${name}`,
      name,
      value: values[name],
      'aria-invalid': error ? true : undefined,
      'aria-describedby': described || undefined,
      ref: (element: HTMLInputElement | HTMLTextAreaElement | null) => {
        inputs.current[name] = element;
      },
      onInput: (event: Event) => onChange({ ...values, [name]: (event.currentTarget as HTMLInputElement).value }),
    };
  };
  const label = (name: FieldName) => (
    <>
      <label for={`${id}-${name}`}>{FIELD_LABELS[name]}</label>
      {HINTS[name] && (
        <p class="hint" id={`${id}-${name}-hint`}>
          {HINTS[name]}
        </p>
      )}
    </>
  );
  const message = (name: FieldName) =>
    errors[name] && (
      <p class="field-error" id={`${id}-${name}-error`}>
        {errors[name]}
      </p>
    );

  return (
    <form
      class="booking-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!sending) onSubmit();
      }}
    >
      <h2>Your details</h2>
      <p class="chosen">{summary}</p>
      <div class="field">
        {label('name')}
        <input {...field('name')} type="text" required maxLength={200} autocomplete="name" />
        {message('name')}
      </div>
      <div class="field">
        {label('email')}
        <input {...field('email')} type="email" required autocomplete="email" />
        {message('email')}
      </div>
      <div class="field">
        {label('guests')}
        <input {...field('guests')} type="text" autocomplete="off" />
        {message('guests')}
      </div>
      <div class="field">
        {label('notes')}
        <textarea {...field('notes')} rows={4} maxLength={2000} />
        {message('notes')}
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={sending}>
          Confirm
        </button>
        <button type="button" class="secondary" onClick={onChangeTime}>
          Change time
        </button>
      </div>
      {sending && (
        <p class="muted" role="status">
          Booking…
        </p>
      )}
    </form>
  );
}
