import type { RrwebEvent } from '../api/types';

/** One thing the user did or saw, in words: "clicked 'Add cherries'". `time` is epoch milliseconds. */
export interface ReadableEvent {
  time: number;
  kind: 'click' | 'input' | 'navigate' | 'error' | 'console';
  text: string;
}

// rrweb's wire numbers (rrweb/types EventType, IncrementalSource, MouseInteractions; rrweb-snapshot NodeType).
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const META = 4;
const CUSTOM = 5;
const PLUGIN = 6;
const SOURCE_MUTATION = 0;
const SOURCE_MOUSE = 2;
const SOURCE_INPUT = 5;
const MOUSE_CLICK = 2;
const MOUSE_DBLCLICK = 4;
const NODE_ELEMENT = 2;
const NODE_TEXT = 3;

/** What the replayed DOM is known to contain, as far as naming a clicked or typed-in element needs. */
interface DomNode {
  type: number;
  tagName?: string;
  attributes: Record<string, unknown>;
  text?: string;
  parent: number | null;
  children: number[];
}

interface SerializedNode {
  id: number;
  type: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  textContent?: string;
  childNodes?: SerializedNode[];
}

class Dom {
  private nodes = new Map<number, DomNode>();

  reset(root: SerializedNode): void {
    this.nodes.clear();
    this.add(root, null);
  }

  /** Adds a serialized subtree; iterative, as recorded pages nest deeply. */
  add(root: SerializedNode, parent: number | null): void {
    const stack: [SerializedNode, number | null][] = [[root, parent]];
    while (stack.length > 0) {
      const [node, parentId] = stack.pop()!;
      this.nodes.set(node.id, {
        type: node.type,
        tagName: node.tagName?.toLowerCase(),
        attributes: { ...(node.attributes ?? {}) },
        text: node.textContent,
        parent: parentId,
        children: (node.childNodes ?? []).map((c) => c.id),
      });
      if (parentId !== null) {
        const p = this.nodes.get(parentId);
        if (p && !p.children.includes(node.id)) p.children.push(node.id);
      }
      for (const child of node.childNodes ?? []) stack.push([child, node.id]);
    }
  }

  remove(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    const parent = node.parent !== null ? this.nodes.get(node.parent) : undefined;
    if (parent) parent.children = parent.children.filter((c) => c !== id);
    const stack = [id];
    while (stack.length > 0) {
      const current = stack.pop()!;
      stack.push(...(this.nodes.get(current)?.children ?? []));
      this.nodes.delete(current);
    }
  }

  setText(id: number, value: string | null): void {
    const node = this.nodes.get(id);
    if (node) node.text = value ?? '';
  }

  setAttributes(id: number, attributes: Record<string, unknown>): void {
    const node = this.nodes.get(id);
    if (!node) return;
    for (const [key, value] of Object.entries(attributes)) {
      if (value === null) delete node.attributes[key];
      else node.attributes[key] = value;
    }
  }

  get(id: number): DomNode | undefined {
    return this.nodes.get(id);
  }

  textOf(id: number, limit = 200): string {
    let text = '';
    const stack = [id];
    while (stack.length > 0 && text.length < limit) {
      const node = this.nodes.get(stack.pop()!);
      if (!node) continue;
      if (node.type === NODE_TEXT) text += ` ${node.text ?? ''}`;
      else if (node.tagName !== 'script' && node.tagName !== 'style') {
        for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
      }
    }
    return text.replace(/\s+/g, ' ').trim();
  }
}

const INTERACTIVE = new Set(['button', 'a', 'input', 'select', 'textarea', 'label', 'summary', 'option']);

function attribute(node: DomNode, name: string): string | undefined {
  const value = node.attributes[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function quote(text: string): string {
  return `'${text.length > 60 ? `${text.slice(0, 57)}…` : text}'`;
}

/** The element a click landed on, or its nearest interactive ancestor (a click on a button's icon names the button). */
function clickTarget(dom: Dom, id: number): number {
  let current: number | null = id;
  for (let depth = 0; current !== null && depth < 10; depth++) {
    const node = dom.get(current);
    if (!node) break;
    if (node.type === NODE_ELEMENT && (INTERACTIVE.has(node.tagName ?? '') || attribute(node, 'role') === 'button')) return current;
    current = node.parent;
  }
  return id;
}

/** A name a developer recognizes: aria-label, then visible text, then #id, then the tag. */
function nameOf(dom: Dom, id: number): string {
  const node = dom.get(id);
  if (!node) return 'an element no longer on the page';
  if (node.type === NODE_TEXT) return quote(node.text?.trim() ?? '');
  const label = attribute(node, 'aria-label');
  if (label) return quote(label);
  // An input's text is its value, which is masked and never shown; only a button-like input's label is.
  const buttonLike = node.attributes.type === 'submit' || node.attributes.type === 'button';
  const text = node.tagName === 'input' ? (buttonLike ? attribute(node, 'value') : undefined) : dom.textOf(id);
  if (text) return quote(text);
  const elementId = attribute(node, 'id');
  if (elementId) return `#${elementId}`;
  const title = attribute(node, 'title') ?? attribute(node, 'alt');
  if (title) return quote(title);
  return `<${node.tagName ?? 'element'}>`;
}

/** A field's name for "typed in …": #id, then name, then its label text. Never its value. */
function fieldName(dom: Dom, id: number): string {
  const node = dom.get(id);
  if (!node) return 'a field';
  const elementId = attribute(node, 'id');
  if (elementId) return `#${elementId}`;
  const name = attribute(node, 'name');
  if (name) return `[name=${name}]`;
  const label = attribute(node, 'aria-label') ?? attribute(node, 'placeholder');
  if (label) return quote(label);
  return `<${node.tagName ?? 'field'}>`;
}

function textOfPayload(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (Array.isArray(payload)) return payload.map(textOfPayload).join(' ');
  if (payload && typeof payload === 'object') {
    const p = payload as Record<string, unknown>;
    if (typeof p.message === 'string') return p.message;
    if (p.payload !== undefined) return textOfPayload(p.payload);
  }
  return JSON.stringify(payload) ?? '';
}

function customLine(tag: string, payload: unknown): Omit<ReadableEvent, 'time'> | null {
  const kind = payload && typeof payload === 'object' ? (payload as Record<string, unknown>).kind ?? (payload as Record<string, unknown>).level : undefined;
  const label = String(kind ?? tag);
  const message = textOfPayload(payload);
  if (/console/i.test(label) && /error/i.test(label)) return { kind: 'error', text: `console error: ${message}` };
  if (/rejection/i.test(label)) return { kind: 'error', text: `unhandled rejection: ${message}` };
  if (/error|exception/i.test(label) || /error|exception/i.test(tag)) return { kind: 'error', text: `error: ${message}` };
  if (/console|log|warn/i.test(label)) return { kind: 'console', text: `console ${label}: ${message}` };
  return null;
}

/**
 * Turns recorded rrweb events into the lines a developer reads: clicks named by the element's
 * text, typing by the field (values are never shown; the recorder masks them anyway), page loads,
 * and console errors. Events before `fromMs` only build up the page (the full snapshot a stretch
 * starts from) and yield no lines; a run of keystrokes in one field is one line.
 */
export function readableEvents(events: readonly RrwebEvent[], fromMs = -Infinity): ReadableEvent[] {
  const dom = new Dom();
  const lines: ReadableEvent[] = [];
  let lastHref: string | null = null;
  let lastInputId: number | null = null;

  const push = (time: number, line: Omit<ReadableEvent, 'time'> | null, inputId: number | null = null) => {
    if (!line || time < fromMs) return;
    if (inputId !== null && inputId === lastInputId && lines.at(-1)?.kind === 'input') return;
    lastInputId = inputId;
    lines.push({ time, ...line });
  };

  for (const event of events) {
    const data = event.data ?? {};
    switch (event.type) {
      case META:
        if (typeof data.href === 'string' && data.href !== lastHref) {
          lastHref = data.href;
          push(event.timestamp, { kind: 'navigate', text: `navigated to ${data.href}` });
        }
        break;
      case FULL_SNAPSHOT:
        if (data.node) dom.reset(data.node);
        break;
      case INCREMENTAL:
        if (data.source === SOURCE_MUTATION) {
          for (const removed of data.removes ?? []) dom.remove(removed.id);
          for (const added of data.adds ?? []) if (added.node) dom.add(added.node, added.parentId ?? null);
          for (const text of data.texts ?? []) dom.setText(text.id, text.value);
          for (const attrs of data.attributes ?? []) dom.setAttributes(attrs.id, attrs.attributes ?? {});
        } else if (data.source === SOURCE_MOUSE && (data.type === MOUSE_CLICK || data.type === MOUSE_DBLCLICK)) {
          const verb = data.type === MOUSE_CLICK ? 'clicked' : 'double-clicked';
          push(event.timestamp, { kind: 'click', text: `${verb} ${nameOf(dom, clickTarget(dom, data.id))}` });
        } else if (data.source === SOURCE_INPUT) {
          const node = dom.get(data.id);
          const type = node && typeof node.attributes.type === 'string' ? node.attributes.type : '';
          const text =
            type === 'checkbox' || type === 'radio'
              ? `${data.isChecked ? 'checked' : 'unchecked'} ${fieldName(dom, data.id)}`
              : node?.tagName === 'select'
                ? `chose an option in ${fieldName(dom, data.id)}`
                : `typed in ${fieldName(dom, data.id)}`;
          push(event.timestamp, { kind: 'input', text }, data.id);
        }
        break;
      case CUSTOM:
        push(event.timestamp, customLine(String(data.tag ?? ''), data.payload));
        break;
      case PLUGIN:
        if (typeof data.plugin === 'string' && data.plugin.includes('console')) {
          push(event.timestamp, customLine(`console ${data.payload?.level ?? 'log'}`, data.payload?.payload ?? data.payload));
        }
        break;
    }
  }
  return lines;
}
