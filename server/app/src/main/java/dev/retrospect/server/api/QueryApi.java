package dev.retrospect.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.Ids;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.Page;
import dev.retrospect.core.Session;
import dev.retrospect.core.SessionQuery;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.SpanSort;
import dev.retrospect.core.StatusFilter;
import dev.retrospect.core.Storage;
import dev.retrospect.core.StorageOverloadedException;
import dev.retrospect.server.IngestMetrics;
import dev.retrospect.server.MemoryBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON query API of docs/api.md, plus {@code /health} and {@code /metrics}. Store calls block
 * (SQLite, the Cassandra driver's sync API), so every handler runs on the blocking task executor,
 * never on an event loop.
 */
public final class QueryApi {
  private static final Logger log = LoggerFactory.getLogger(QueryApi.class);
  static final int EXPORT_MAX_ROWS = 10_000;

  private final Storage storage;
  private final IngestMetrics metrics;
  private final SessionEvents sessionEvents;
  private final Semaphore queries;
  private final QueryMemory memory;

  /**
   * @param maxQueriesInFlight API queries running or waiting at once; past it a query is answered
   *     503 with Retry-After at once, so that a flood of queries neither queues without bound nor
   *     takes the threads ingest decodes on
   * @param queryMemory the heap the queries in flight may hold (see {@link QueryMemory})
   */
  public QueryApi(Storage storage, IngestMetrics metrics, long maxDecompressedBytes, int maxQueriesInFlight, MemoryBudget queryMemory) {
    this.storage = storage;
    this.metrics = metrics;
    this.sessionEvents = new SessionEvents(storage, maxDecompressedBytes);
    this.queries = new Semaphore(maxQueriesInFlight);
    this.memory = new QueryMemory(queryMemory, metrics.queriesOverMemory);
  }

  /** Adds every route to the UI/API port's server. */
  public void addTo(ServerBuilder sb) {
    sb.service("/api/spans", query(ctx -> spans(ctx, memory.share(ctx))));
    sb.service("/api/spans/export", query(ctx -> SpanExport.export(
        storage, spanQuery(ctx, SpanQuery.MAX_LIMIT), new QueryParameters(ctx).text("format"), memory.share(ctx))));
    sb.service("/api/traces/{traceId}", query(ctx -> trace(ctx, memory.share(ctx))));
    sb.service("/api/chapters/{chapterId}", query(ctx -> chapter(ctx, memory.share(ctx))));
    sb.service("/api/sessions", query(ctx -> sessions(ctx, memory.share(ctx))));
    sb.service("/api/sessions/{sessionId}", query(ctx -> session(ctx, memory.share(ctx))));
    sb.service("/api/sessions/{sessionId}/events", query(this::events));
    sb.service("/api/services", query(this::services));
    sb.serviceUnder("/api/", (ctx, req) -> error(HttpStatus.NOT_FOUND, "no API endpoint " + ctx.path() + "; see docs/api.md"));
    sb.service("/health", get(ctx -> health()));
    sb.service("/metrics", get(ctx -> HttpResponse.of(HttpStatus.OK,
        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), metrics.prometheusText())));
  }

  /** Read page by page as exports are (see {@link SpanPages}): a page of large spans is large. */
  private HttpResponse spans(ServiceRequestContext ctx, QueryMemory.Share memory) {
    SpanQuery query = spanQuery(ctx, SpanQuery.MAX_LIMIT);
    SpanPages.Written spans = SpanPages.read(storage, query, query.limit(), SpanPages::json, SpanPages.COMMA, memory);
    List<HttpObject> answer = new ArrayList<>();
    answer.add(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8).build());
    answer.add(HttpData.ofUtf8("{\"spans\":["));
    spans.chunks().forEach(chunk -> answer.add(HttpData.wrap(chunk)));
    answer.add(HttpData.ofUtf8("],\"nextCursor\":"));
    answer.add(HttpData.wrap(ApiJson.bytes(spans.nextCursor())));
    answer.add(HttpData.ofUtf8("}"));
    return HttpResponse.of(answer.toArray(HttpObject[]::new));
  }

  static SpanQuery spanQuery(ServiceRequestContext ctx, int maxLimit) {
    QueryParameters p = new QueryParameters(ctx);
    return new SpanQuery(
        p.text("q"),
        p.text("service"),
        StatusFilter.parse(p.text("status")),
        p.micros("from"),
        p.micros("to"),
        p.micros("minDuration"),
        p.micros("maxDuration"),
        SpanSort.parse(p.text("sort")),
        p.limit(maxLimit),
        p.cursor());
  }

  /**
   * The first service names, sorted; {@code truncated} says there are more. A client can send any
   * number of distinct names, and past a thousand a list is no use in the UI anyway.
   */
  private HttpResponse services(ServiceRequestContext ctx) {
    int limit = new QueryParameters(ctx).limit(SpanQuery.MAX_LIMIT);
    if (limit == 0) limit = SpanQuery.MAX_LIMIT;
    List<String> names = storage.services(limit + 1);
    ObjectNode body = ApiJson.object();
    body.set("services", strings(names.subList(0, Math.min(limit, names.size()))));
    body.put("truncated", names.size() > limit);
    return json(body);
  }

  private HttpResponse trace(ServiceRequestContext ctx, QueryMemory.Share memory) {
    String traceId = Ids.traceId(ctx.pathParam("traceId"));
    memory.growTo(QueryMemory.HEAP_PER_SPAN_BYTE * storage.traceBytes(traceId));
    List<Span> spans = storage.trace(traceId);
    Chapter chapter = storage.chapterOfTrace(traceId).orElse(null);
    if (spans.isEmpty() && chapter == null) return error(HttpStatus.NOT_FOUND, "no trace " + traceId);
    Session session = chapter == null ? null : storage.session(chapter.sessionId()).orElse(null);
    ObjectNode body = ApiJson.object().put("traceId", traceId);
    body.set("spans", spans(spans));
    body.set("chapter", ApiJson.chapter(chapter));
    body.set("session", ApiJson.session(session));
    return json(body);
  }

  private HttpResponse chapter(ServiceRequestContext ctx, QueryMemory.Share memory) {
    String chapterId = Ids.chapterId(ctx.pathParam("chapterId"));
    Chapter chapter = storage.chapter(chapterId).orElse(null);
    if (chapter == null) return error(HttpStatus.NOT_FOUND, "no chapter " + chapterId);
    if (chapter.traceId() != null) memory.growTo(QueryMemory.HEAP_PER_SPAN_BYTE * storage.traceBytes(chapter.traceId()));
    Session session = storage.session(chapter.sessionId()).orElse(null);
    List<Span> spans = chapter.traceId() == null ? List.of() : storage.trace(chapter.traceId());
    // A chapter still waiting for its request runs to the last thing the session recorded.
    long to = chapter.requestMicros() != null ? chapter.requestMicros()
        : session != null ? Math.max(session.lastSeenMicros(), chapter.firstEventMicros())
        : chapter.firstEventMicros();
    ObjectNode body = ApiJson.object();
    body.set("chapter", ApiJson.chapter(chapter));
    body.set("spans", spans(spans));
    body.set("session", ApiJson.session(session));
    body.putObject("events").put("from", chapter.firstEventMicros()).put("to", to);
    return json(body);
  }

  private HttpResponse sessions(ServiceRequestContext ctx, QueryMemory.Share memory) {
    QueryParameters p = new QueryParameters(ctx);
    Long from = p.micros("from");
    Long to = p.micros("to");
    if (from != null && to != null && to < from) throw new BadParameterException("to must not be before from");
    SessionQuery query = new SessionQuery(p.text("q"), from, to, p.flag("errors"), p.limit(SpanQuery.MAX_LIMIT), p.cursor());
    memory.growTo((long) query.limit() * QueryMemory.HEAP_PER_SESSION_OR_CHAPTER);
    Page<Session> page = storage.searchSessions(query);
    ObjectNode body = ApiJson.object();
    ArrayNode sessions = body.putArray("sessions");
    page.items().forEach(s -> sessions.add(ApiJson.session(s)));
    body.put("nextCursor", page.nextCursor());
    return json(body);
  }

  private HttpResponse session(ServiceRequestContext ctx, QueryMemory.Share memory) {
    String sessionId = Ids.sessionId(ctx.pathParam("sessionId"));
    Session session = storage.session(sessionId).orElse(null);
    if (session == null) return error(HttpStatus.NOT_FOUND, "no session " + sessionId);
    memory.growTo((session.chapterCount() + 1L) * QueryMemory.HEAP_PER_SESSION_OR_CHAPTER);
    ObjectNode body = ApiJson.object();
    body.set("session", ApiJson.session(session));
    ArrayNode chapters = body.putArray("chapters");
    storage.chapters(sessionId).forEach(c -> chapters.add(ApiJson.chapter(c)));
    return json(body);
  }

  private HttpResponse events(ServiceRequestContext ctx) {
    String sessionId = Ids.sessionId(ctx.pathParam("sessionId"));
    QueryParameters p = new QueryParameters(ctx);
    long from = p.micros("from") == null ? 0 : p.micros("from");
    long to = p.micros("to") == null ? Long.MAX_VALUE : p.micros("to");
    if (to < from) throw new BadParameterException("to must not be before from");
    if (storage.session(sessionId).isEmpty()) return error(HttpStatus.NOT_FOUND, "no session " + sessionId);
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8,
        HttpData.wrap(sessionEvents.between(sessionId, from, to, memory.share(ctx))));
  }

  private HttpResponse health() {
    try {
      storage.check();
      return json(ApiJson.object().put("status", "ok"));
    } catch (RuntimeException e) {
      return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE, MediaType.JSON_UTF_8,
          ApiJson.object().put("status", "unavailable").put("error", String.valueOf(e.getMessage())).toString());
    }
  }

  private static ArrayNode spans(List<Span> spans) {
    ArrayNode array = ApiJson.array();
    spans.forEach(s -> array.add(ApiJson.span(s)));
    return array;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = ApiJson.array();
    values.forEach(array::add);
    return array;
  }

  /** {@link #get}, counted against the queries in flight: past the limit, 503 with Retry-After. */
  private HttpService query(Function<ServiceRequestContext, HttpResponse> handler) {
    HttpService service = get(handler);
    return (ctx, req) -> {
      if (!queries.tryAcquire()) {
        metrics.queriesOverloaded.increment();
        return unavailable("too many queries in flight; retry after 1 s");
      }
      // Released when the exchange is over, however it ends (answered, failed, client gone).
      ctx.log().whenComplete().thenRun(queries::release);
      return service.serve(ctx, req);
    };
  }

  /** A GET-only service that runs the handler off the event loop and maps its errors. */
  private static HttpService get(Function<ServiceRequestContext, HttpResponse> handler) {
    return (ctx, req) -> {
      if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, req.method() + " is not allowed here; use GET");
      }
      return HttpResponse.of(CompletableFuture
          .supplyAsync(() -> handler.apply(ctx), ctx.blockingTaskExecutor())
          .exceptionally(QueryApi::failure));
    };
  }

  private static HttpResponse failure(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof BadParameterException || e instanceof InvalidInputException) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    if (e instanceof StorageOverloadedException || e instanceof QueryMemory.OverBudgetException) {
      return unavailable(e.getMessage());
    }
    log.error("query failed", e);
    return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
  }

  /** 503 with Retry-After: the server or its store is busy, the query may be asked again. */
  private static HttpResponse unavailable(String message) {
    return HttpResponse.of(ResponseHeaders.builder(HttpStatus.SERVICE_UNAVAILABLE)
        .contentType(MediaType.JSON_UTF_8).set(HttpHeaderNames.RETRY_AFTER, "1").build(),
        HttpData.ofUtf8(ApiJson.object().put("error", message).toString()));
  }

  static HttpResponse json(JsonNode body) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, HttpData.wrap(ApiJson.bytes(body)));
  }

  static HttpResponse error(HttpStatus status, String message) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, ApiJson.object().put("error", message).toString());
  }
}
