import { describe, expect, it } from 'vitest';
import type { RrwebEvent } from '../api/types';
import { readableEvents } from './readableEvents';

// A shop page as rrweb serializes it: document(1) > html(2) > body(3) > [button(4) > "Add cherries"(5),
// input#email(6), button(7, aria-label) > svg(8), div(9) > span(10) > "Pay"(11), input(12, name only)]
const snapshot: RrwebEvent = {
  type: 2,
  timestamp: 1_000,
  data: {
    node: {
      type: 0,
      id: 1,
      childNodes: [
        {
          type: 2, id: 2, tagName: 'html', attributes: {},
          childNodes: [
            {
              type: 2, id: 3, tagName: 'body', attributes: {},
              childNodes: [
                { type: 2, id: 4, tagName: 'button', attributes: { class: 'add' }, childNodes: [{ type: 3, id: 5, textContent: '  Add\n cherries ' }] },
                { type: 2, id: 6, tagName: 'input', attributes: { id: 'email', type: 'email', value: '*****' }, childNodes: [] },
                { type: 2, id: 7, tagName: 'button', attributes: { 'aria-label': 'Close cart' }, childNodes: [{ type: 2, id: 8, tagName: 'svg', attributes: {}, childNodes: [] }] },
                { type: 2, id: 9, tagName: 'div', attributes: { role: 'button' }, childNodes: [{ type: 2, id: 10, tagName: 'span', attributes: {}, childNodes: [{ type: 3, id: 11, textContent: 'Pay' }] }] },
                { type: 2, id: 12, tagName: 'input', attributes: { name: 'card', type: 'text' }, childNodes: [] },
              ],
            },
          ],
        },
      ],
    },
    initialOffset: { left: 0, top: 0 },
  },
};
const meta: RrwebEvent = { type: 4, timestamp: 999, data: { href: 'http://localhost:3000/', width: 1280, height: 800 } };
const click = (id: number, timestamp: number): RrwebEvent => ({ type: 3, timestamp, data: { source: 2, type: 2, id, x: 1, y: 1 } });
const input = (id: number, timestamp: number, text = '*'): RrwebEvent => ({ type: 3, timestamp, data: { source: 5, id, text, isChecked: false } });

const texts = (events: RrwebEvent[], from?: number) => readableEvents(events, from).map((e) => e.text);

describe('readableEvents', () => {
  it('names a clicked button by its text, even when the click landed on its text node', () => {
    expect(texts([meta, snapshot, click(4, 2_000), click(5, 2_100)])).toEqual([
      'navigated to http://localhost:3000/',
      "clicked 'Add cherries'",
      "clicked 'Add cherries'",
    ]);
  });

  it('names an icon button by its aria-label and a role=button by its inner text', () => {
    expect(texts([snapshot, click(8, 2_000), click(10, 2_100)])).toEqual(["clicked 'Close cart'", "clicked 'Pay'"]);
  });

  it('says which field was typed in, once per run of keystrokes, and never the value', () => {
    const lines = texts([snapshot, input(6, 2_000, 'i'), input(6, 2_050, 'iv'), input(6, 2_100, 'ivan@gmail.com'), input(12, 2_200, '4111')]);
    expect(lines).toEqual(['typed in #email', 'typed in [name=card]']);
    expect(lines.join(' ')).not.toMatch(/ivan|4111/);
  });

  it('names elements that a mutation added after the snapshot, and follows text changes', () => {
    const added: RrwebEvent = {
      type: 3,
      timestamp: 1_500,
      data: {
        source: 0,
        adds: [{ parentId: 3, nextId: null, node: { type: 2, id: 20, tagName: 'button', attributes: { id: 'checkout' }, childNodes: [] } }],
        removes: [],
        texts: [{ id: 5, value: 'Add more cherries' }],
        attributes: [],
      },
    };
    expect(texts([snapshot, added, click(20, 2_000), click(4, 2_100)])).toEqual(['clicked #checkout', "clicked 'Add more cherries'"]);
  });

  it('reads console errors and page errors from custom and console-plugin events', () => {
    const events: RrwebEvent[] = [
      snapshot,
      { type: 5, timestamp: 2_000, data: { tag: 'error', payload: { kind: 'console.error', message: 'Cannot read cart' } } },
      { type: 5, timestamp: 2_100, data: { tag: 'error', payload: { kind: 'error', message: 'x is not defined' } } },
      { type: 5, timestamp: 2_150, data: { tag: 'error', payload: { kind: 'unhandledrejection', message: 'payment timeout' } } },
      { type: 6, timestamp: 2_200, data: { plugin: 'rrweb/console@1', payload: { level: 'error', payload: ['"boom"'] } } },
      { type: 5, timestamp: 2_300, data: { tag: 'retrospect.dropped', payload: 12 } },
    ];
    expect(texts(events)).toEqual([
      'console error: Cannot read cart',
      'error: x is not defined',
      'unhandled rejection: payment timeout',
      'console error: "boom"',
    ]);
  });

  it('uses events before the stretch only to know the page, and reports only those inside it', () => {
    const lines = readableEvents([meta, snapshot, click(4, 1_500), click(7, 3_000)], 2_000);
    expect(lines).toEqual([{ time: 3_000, kind: 'click', text: "clicked 'Close cart'" }]);
  });

  it('reports a navigation when a new page loads', () => {
    const next: RrwebEvent = { type: 4, timestamp: 5_000, data: { href: 'http://localhost:3000/checkout' } };
    expect(texts([meta, snapshot, next])).toEqual(['navigated to http://localhost:3000/', 'navigated to http://localhost:3000/checkout']);
  });

  it('does not fail on a click on a node it never saw', () => {
    expect(texts([click(99, 10)])).toEqual(['clicked an element no longer on the page']);
  });
});
