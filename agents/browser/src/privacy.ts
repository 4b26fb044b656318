/** Names and ids that mark payment fields even without an `autocomplete` hint. */
const CARD_NAME = /card|cc-|cvv|cvc|expiry|exp-/i;

/**
 * True for fields whose value must never be recorded, whatever the options say: passwords (also
 * those a "show password" toggle turned into text), payment card fields by `autocomplete="cc-*"`,
 * and fields whose name or id looks like a card, CVV/CVC or expiry field.
 */
export function isSensitiveField(el: Element | null | undefined): boolean {
  if (!el || typeof el.getAttribute !== 'function') return false;
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (type === 'password' || el.hasAttribute('data-rr-is-password')) return true;
  const autocomplete = (el.getAttribute('autocomplete') || '').toLowerCase();
  if (autocomplete.split(/\s+/).some((token) => token.startsWith('cc-'))) return true;
  return CARD_NAME.test(el.getAttribute('name') || '') || CARD_NAME.test(el.id || '');
}

/**
 * rrweb's input masking, with the decision made here: rrweb is told to mask every input, textarea
 * and select so that every value passes through this function before it enters an event; it
 * returns the value in clear only when masking is off and the field is not sensitive.
 */
export function inputMasking(maskAllInputs: boolean) {
  const maskInputOptions = {
    input: true, textarea: true, select: true,
    color: true, date: true, 'datetime-local': true, email: true, month: true, number: true, range: true,
    search: true, tel: true, text: true, time: true, url: true, week: true, password: true,
  };
  const maskInputFn = (text: string, element: HTMLElement): string =>
    maskAllInputs || isSensitiveField(element) ? '*'.repeat(text.length) : text;
  return { maskAllInputs: false, maskInputOptions, maskInputFn };
}
