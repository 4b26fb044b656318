import { useId } from 'react';
import { localInputToMicros, microsToLocalInput, viewerTimeZone } from '../format';
import { TIME_PRESETS } from './searchParams';

/**
 * A time range: a preset (kept relative, `now-1h`) or a custom range of two local date-times
 * (kept as epoch microseconds). `immediately` asks the page to search right away (a preset pick).
 */
export function TimeRangeFields({
  from,
  to,
  onChange,
}: {
  from: string;
  to: string;
  onChange: (from: string, to: string, immediately: boolean) => void;
}) {
  const id = useId();
  const preset = to === '' && (from === '' || TIME_PRESETS.some((p) => p.value === from)) ? from : 'custom';
  return (
    <>
      <label>
        Time
        <select
          value={preset}
          onChange={(e) => {
            const value = e.target.value;
            if (value === 'custom') onChange(String(Date.now() * 1000 - 3600e6), String(Date.now() * 1000), false);
            else onChange(value, '', true);
          }}
        >
          <option value="">Any time</option>
          {TIME_PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </label>
      {preset === 'custom' && (
        <fieldset className="custom-range">
          <legend className="visually-hidden">Custom range ({viewerTimeZone})</legend>
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="datetime-local"
            value={microsToLocalInput(absolute(from))}
            onChange={(e) => onChange(String(localInputToMicros(e.target.value) ?? ''), to, false)}
          />
          <label htmlFor={`${id}-to`}>to</label>
          <input
            id={`${id}-to`}
            type="datetime-local"
            value={microsToLocalInput(absolute(to))}
            onChange={(e) => onChange(from, String(localInputToMicros(e.target.value) ?? ''), false)}
          />
        </fieldset>
      )}
    </>
  );
}

function absolute(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}
