package dev.retrospect.bench;

import java.util.List;

/** A generated checkout: the api root span and its four children, all mentioning one email. */
public record CheckoutTrace(int index, String traceId, String email, List<LogicalSpan> spans) {}
