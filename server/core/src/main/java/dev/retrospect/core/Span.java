package dev.retrospect.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operation of a trace, normalized at ingest: ids lower-case hex, times in epoch microseconds,
 * attribute names in current semantic conventions, HTTP status and session/chapter ids pulled out
 * of the attributes. Stores and the query API trust a constructed Span.
 *
 * @param httpStatus the HTTP response status code when the span has one
 * @param sessionId the browser session, from the span's own attributes (baggage copied by an agent)
 *     or, in query results, from the chapter linked to its trace
 * @param chapterId the chapter, found the same way as sessionId
 */
public record Span(
    String traceId,
    String spanId,
    String parentSpanId,
    String service,
    String name,
    SpanKind kind,
    long startMicros,
    long durationMicros,
    StatusCode statusCode,
    String statusMessage,
    Integer httpStatus,
    Map<String, AttributeValue> resourceAttributes,
    Map<String, AttributeValue> attributes,
    List<SpanEvent> events,
    List<SpanLink> links,
    String sessionId,
    String chapterId) {

  public Span {
    traceId = Ids.traceId(traceId);
    spanId = Ids.spanId(spanId);
    parentSpanId = Ids.parentSpanId(parentSpanId);
    service = service == null || service.isBlank() ? "unknown_service" : service;
    name = name == null ? "" : name;
    kind = kind == null ? SpanKind.UNSPECIFIED : kind;
    if (startMicros < 0) throw new InvalidInputException("startTime must not be negative");
    if (durationMicros < 0) durationMicros = 0;
    statusCode = statusCode == null ? StatusCode.UNSET : statusCode;
    statusMessage = statusMessage == null ? "" : statusMessage;
    resourceAttributes = Attributes.copyOf(resourceAttributes);
    attributes = Attributes.copyOf(attributes);
    events = events == null ? List.of() : List.copyOf(events);
    links = links == null ? List.of() : List.copyOf(links);
    sessionId = sessionId == null ? null : Ids.sessionId(sessionId);
    chapterId = chapterId == null ? null : Ids.chapterId(chapterId);
  }

  /** The value of a span attribute, else of a resource attribute, else null. */
  public String attribute(String key) {
    AttributeValue v = attributes.get(key);
    if (v == null) v = resourceAttributes.get(key);
    return v == null ? null : v.value();
  }

  /** True when the span failed: status ERROR or an HTTP status of 500 or more. */
  public boolean isError() {
    return statusCode == StatusCode.ERROR || (httpStatus != null && httpStatus >= 500);
  }

  /** The same span with its session and chapter set, as a query result does once linked. */
  public Span withLink(String sessionId, String chapterId) {
    return new Span(
        traceId, spanId, parentSpanId, service, name, kind, startMicros, durationMicros, statusCode,
        statusMessage, httpStatus, resourceAttributes, attributes, events, links, sessionId,
        chapterId);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a span from raw decoded fields and normalizes them: renames old attribute names, takes
   * the HTTP status from {@code http.response.status_code}, session and chapter from {@code
   * session.id} and {@code retrospect.chapter.id} (ignored when not valid ids), and the service from
   * the resource's {@code service.name} when none was set.
   */
  public static final class Builder {
    private String traceId;
    private String spanId;
    private String parentSpanId;
    private String service;
    private String name;
    private SpanKind kind;
    private long startMicros;
    private long durationMicros;
    private StatusCode statusCode;
    private String statusMessage;
    private Map<String, AttributeValue> resourceAttributes = Map.of();
    private Map<String, AttributeValue> attributes = Map.of();
    private List<SpanEvent> events = List.of();
    private List<SpanLink> links = List.of();

    public Builder traceId(String v) { traceId = v; return this; }
    public Builder spanId(String v) { spanId = v; return this; }
    public Builder parentSpanId(String v) { parentSpanId = v; return this; }
    public Builder service(String v) { service = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder kind(SpanKind v) { kind = v; return this; }
    public Builder startMicros(long v) { startMicros = v; return this; }
    public Builder durationMicros(long v) { durationMicros = v; return this; }
    public Builder status(StatusCode code, String message) { statusCode = code; statusMessage = message; return this; }
    public Builder resourceAttributes(Map<String, AttributeValue> v) { resourceAttributes = Objects.requireNonNull(v); return this; }
    public Builder attributes(Map<String, AttributeValue> v) { attributes = Objects.requireNonNull(v); return this; }
    public Builder events(List<SpanEvent> v) { events = Objects.requireNonNull(v); return this; }
    public Builder links(List<SpanLink> v) { links = Objects.requireNonNull(v); return this; }

    /** Adds one string attribute (convenient in tests and agents). */
    public Builder attribute(String key, String value) {
      Map<String, AttributeValue> copy = new java.util.HashMap<>(attributes);
      copy.put(key, AttributeValue.string(value));
      attributes = copy;
      return this;
    }

    public Span build() {
      Map<String, AttributeValue> attrs = SemanticConventions.normalize(attributes);
      Map<String, AttributeValue> resource = SemanticConventions.normalize(resourceAttributes);
      String svc = service;
      if (svc == null || svc.isBlank()) {
        AttributeValue v = resource.get(SemanticConventions.SERVICE_NAME);
        svc = v == null ? null : v.value();
      }
      return new Span(
          traceId, spanId, parentSpanId, svc, name, kind, startMicros, durationMicros, statusCode,
          statusMessage, httpStatus(attrs), resource, attrs, events, links,
          idOrNull(attrs, resource, SemanticConventions.SESSION_ID),
          idOrNull(attrs, resource, SemanticConventions.CHAPTER_ID));
    }

    private static Integer httpStatus(Map<String, AttributeValue> attrs) {
      AttributeValue v = attrs.get(SemanticConventions.HTTP_RESPONSE_STATUS_CODE);
      if (v == null) return null;
      try {
        int code = (int) Double.parseDouble(v.value().trim());
        return code >= 100 && code <= 999 ? code : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static String idOrNull(
        Map<String, AttributeValue> attrs, Map<String, AttributeValue> resource, String key) {
      AttributeValue v = attrs.getOrDefault(key, resource.get(key));
      if (v == null || !Ids.isHex(v.value(), 32)) return null;
      return v.value().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
