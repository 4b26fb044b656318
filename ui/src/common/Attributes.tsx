import type { AttributeValue, Attributes } from '../api/types';

/** Attribute values as text; structured values (arrays, key-value lists) as compact JSON. */
export function attributeText(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A sorted key/value table of span or resource attributes. */
export function AttributeTable({ attributes, caption }: { attributes: Attributes; caption: string }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <table className="attributes">
      <caption>{caption}</caption>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{attributeText(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A captured request or response body, pretty-printed when it is JSON. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
