import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface NoticeProps {
  kind: 'alert' | 'status';
  children: ComponentChildren;
  /** Moves focus here, for when the control that caused it is gone from the page. */
  focus?: boolean;
}

/** A refusal (`role="alert"`) or a success (`role="status"`), announced by screen readers as it appears. */
export function Notice({ kind, children, focus = false }: NoticeProps) {
  const box = useRef<HTMLDivElement>(null);
  // Once, when it appears; give each new message its own `key` so it appears anew.
  useEffect(() => {
    if (focus) box.current?.focus();
  }, []);
  return (
    <div
      ref={box}
      class={`notice ${kind === 'alert' ? 'error' : 'success'}`}
      role={kind}
      tabIndex={focus ? -1 : undefined}
    >
      {children}
    </div>
  );
}
