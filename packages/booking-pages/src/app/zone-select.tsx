import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { whenSlotsVisible } from './slot-list';

/**
 * ICU still calls some zones by their old names (Chromium's `resolvedOptions` says "Asia/Calcutta");
 * the tz database, our API and invitees use the current ones. Both spellings name the same zone.
 */
const CURRENT_NAMES: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};
const current = (zone: string) => CURRENT_NAMES[zone] ?? zone;

/** The zone this browser runs in, by its current name. */
export const detectedZone = () => current(new Intl.DateTimeFormat('en-US').resolvedOptions().timeZone || 'UTC');

function zoneNames(chosen: string): string[] {
  const names = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = new Set([...names.map(current), 'UTC', detectedZone(), chosen]);
  return [...all].sort();
}

/** "America/Argentina/Buenos_Aires" read as "America / Argentina / Buenos Aires". */
const readable = (zone: string) => zone.replace(/_/g, ' ').replace(/\//g, ' / ');

interface ZoneSelectProps {
  zone: string;
  onChange: (zone: string) => void;
}

/**
 * The **Time zone** select: every zone the browser knows, the invitee's own chosen. Four hundred
 * options cost a first render tens of milliseconds, so the full list comes once the times are on
 * screen, or at once when the select is touched.
 */
export function ZoneSelect({ zone, onChange }: ZoneSelectProps) {
  const id = useId();
  const [full, setFull] = useState(false);
  const names = useMemo(() => (full ? zoneNames(zone) : [zone]), [full, zone]);
  useEffect(() => {
    let live = true;
    const show = () => live && setFull(true);
    whenSlotsVisible(show);
    // A page that shows no times (a canceled booking) still gets the list.
    const fallback = setTimeout(show, 2000);
    return () => {
      live = false;
      clearTimeout(fallback);
    };
  }, []);
  return (
    <div class="field zone">
      <label for={id}>Time zone</label>
      <select
        id={id}
        value={zone}
        onFocus={() => setFull(true)}
        onPointerDown={() => setFull(true)}
        onChange={(event) => onChange(event.currentTarget.value)}
      >
        {names.map((name) => (
          <option key={name} value={name}>
            {readable(name)}
          </option>
        ))}
      </select>
    </div>
  );
}
