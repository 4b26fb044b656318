import { describe, expect, it } from 'vitest';
import { newId128, newId64 } from '../src/ids';
import { mergeBaggage, PropagationRules, traceIdOf, traceparent } from '../src/propagation';

describe('ids', () => {
  it('trace, session and chapter ids are 32 lower-case hex characters, span ids 16, all distinct', () => {
    const long = Array.from({ length: 500 }, newId128);
    const short = Array.from({ length: 500 }, newId64);
    for (const id of long) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of short) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(long).size).toBe(500);
    expect(new Set(short).size).toBe(500);
  });

  it('traceparent is version 00, sampled, and its trace id reads back', () => {
    const header = traceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7');
    expect(header).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(traceIdOf(header)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(traceIdOf('garbage')).toBeNull();
  });
});

describe('which requests carry trace headers', () => {
  const collector = 'https://retrospect.example.com:3200';
  const page = 'https://shop.example.com';

  it('by default only the page\'s own origin, never a third party', () => {
    const rules = new PropagationRules(page, collector, []);
    expect(rules.traceable('/api/cart')?.href).toBe('https://shop.example.com/api/cart');
    expect(rules.traceable('https://shop.example.com/api/checkout')).not.toBeNull();
    expect(rules.traceable('https://api.stripe.com/v1/tokens')).toBeNull();
    expect(rules.traceable('http://shop.example.com/api/cart')).toBeNull(); // another scheme is another origin
    expect(rules.traceable('https://shop.example.com:8443/api')).toBeNull();
  });

  it('propagateTo adds origins, URL prefixes and patterns, and nothing that merely looks alike', () => {
    const rules = new PropagationRules(page, collector, ['https://api.example.com', 'https://cdn.example.com/api/', /^https:\/\/[a-z]+\.internal\.example\.com\//]);
    expect(rules.traceable('https://api.example.com/orders')).not.toBeNull();
    expect(rules.traceable('https://api.example.com.evil.io/orders')).toBeNull();
    expect(rules.traceable('https://api.example.com@evil.io/orders')).toBeNull();
    expect(rules.traceable('https://cdn.example.com/api/prices')).not.toBeNull();
    expect(rules.traceable('https://cdn.example.com/images/a.png')).toBeNull();
    expect(rules.traceable('https://billing.internal.example.com/x')).not.toBeNull();
    expect(rules.traceable('https://evil.io/?https://billing.internal.example.com/')).toBeNull();
  });

  it('the collector itself is never traced, even on the page\'s own origin', () => {
    const sameOrigin = new PropagationRules(page, 'https://shop.example.com/retrospect', []);
    expect(sameOrigin.traceable('https://shop.example.com/retrospect/v1/replay')).toBeNull();
    expect(sameOrigin.traceable('https://shop.example.com/retrospect-docs')).not.toBeNull();
    const allowed = new PropagationRules(page, collector, [collector]);
    expect(allowed.traceable(collector + '/v1/traces')).toBeNull();
  });

  it('non-HTTP URLs and unparsable ones are not traced', () => {
    const rules = new PropagationRules(page, collector, [/.*/]);
    expect(rules.traceable('data:text/plain,hi')).toBeNull();
    expect(rules.traceable('blob:https://shop.example.com/1234')).toBeNull();
    expect(rules.traceable('http://[bad')).toBeNull();
  });
});

describe('baggage', () => {
  const ours = { 'session.id': 'a'.repeat(32), 'retrospect.chapter.id': 'b'.repeat(32) };

  it('is only our members when the page sent none', () => {
    expect(mergeBaggage(null, ours)).toBe(`session.id=${'a'.repeat(32)},retrospect.chapter.id=${'b'.repeat(32)}`);
  });

  it('keeps the page\'s members and replaces stale ones of ours', () => {
    const merged = mergeBaggage('tenant=acme, session.id=old;prop=1,  user.tier=gold', ours);
    expect(merged).toBe(`tenant=acme,user.tier=gold,session.id=${'a'.repeat(32)},retrospect.chapter.id=${'b'.repeat(32)}`);
  });
});
