package dev.retrospect.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Attribute names Retrospect relies on, and the older OpenTelemetry names it accepts for them.
 * Spans are normalized once, at ingest, so that search and the UI see one name per concept.
 */
public final class SemanticConventions {
  private SemanticConventions() {}

  public static final String SERVICE_NAME = "service.name";
  public static final String SESSION_ID = "session.id";
  public static final String CHAPTER_ID = "retrospect.chapter.id";
  public static final String USER_ID = "user.id";
  public static final String HTTP_REQUEST_METHOD = "http.request.method";
  public static final String HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";
  public static final String HTTP_ROUTE = "http.route";
  public static final String URL_FULL = "url.full";
  public static final String URL_PATH = "url.path";
  public static final String HTTP_REQUEST_BODY = "http.request.body";
  public static final String HTTP_RESPONSE_BODY = "http.response.body";

  /** Old name → current name (OpenTelemetry HTTP semantic conventions before and after 1.20). */
  public static final Map<String, String> RENAMED =
      Map.ofEntries(
          Map.entry("http.method", HTTP_REQUEST_METHOD),
          Map.entry("http.status_code", HTTP_RESPONSE_STATUS_CODE),
          Map.entry("http.url", URL_FULL),
          Map.entry("http.target", URL_PATH),
          Map.entry("http.scheme", "url.scheme"),
          Map.entry("http.host", "server.address"),
          Map.entry("http.user_agent", "user_agent.original"),
          Map.entry("http.client_ip", "client.address"),
          Map.entry("http.request_content_length", "http.request.body.size"),
          Map.entry("http.response_content_length", "http.response.body.size"),
          Map.entry("net.peer.name", "server.address"),
          Map.entry("net.peer.port", "server.port"),
          Map.entry("net.host.name", "server.address"),
          Map.entry("net.host.port", "server.port"),
          Map.entry("enduser.id", USER_ID));

  /**
   * Renames old attribute names to current ones. When both are present the current name wins, so a
   * span that carries both (as some SDKs emit during migration) keeps the value it meant. A map
   * with no old name is returned as it is.
   */
  public static Map<String, AttributeValue> normalize(Map<String, AttributeValue> attributes) {
    if (attributes == null || attributes.isEmpty()) return Map.of();
    if (attributes.keySet().stream().noneMatch(RENAMED::containsKey)) return attributes;
    Map<String, AttributeValue> result = new LinkedHashMap<>(attributes.size());
    for (Map.Entry<String, AttributeValue> e : attributes.entrySet()) {
      if (!RENAMED.containsKey(e.getKey())) result.put(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, AttributeValue> e : attributes.entrySet()) {
      String current = RENAMED.get(e.getKey());
      if (current != null) result.putIfAbsent(current, e.getValue());
    }
    return result;
  }
}
