package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.retrospect.core.Page;
import dev.retrospect.core.SearchText;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.StatusFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Span search over the time index (hour or minute × shard partitions in time order, SAI on
 * service, status, error and duration) and the text index (words by day or ten minutes, and
 * prefix), each bucket of either layout that holds data ({@link TimeBucket}). A text
 * query first looks up its longest word in the text index; when that word is so common that a
 * token partition holds more than {@link #TOKEN_PARTITION_LIMIT} matches, reading the time index
 * in order and checking each span is cheaper, and that is what happens. Every span found is
 * checked against the whole query in memory, so the indexes only narrow what is read.
 */
final class SpanSearch {
  static final int TOKEN_PARTITION_LIMIT = 5_000;
  /**
   * A search sorted by duration needs every candidate of its time range at once: beyond this many
   * word rows, scanning the time index with the SAI filters is cheaper than fetching their traces.
   */
  static final int TOKEN_CANDIDATE_LIMIT = 20_000;
  /** Reads sent at once by one search. */
  private static final int PARALLEL_READS = 64;

  private final CassandraStorage store;
  private final CqlSession session;
  private final Resources resources;
  private final Map<TimeBucket.Table, PreparedStatement> selectTokens = new EnumMap<>(TimeBucket.Table.class);
  private final PreparedStatement selectSpan;
  private final PreparedStatement selectTrace;
  private final Map<String, PreparedStatement> scans = new ConcurrentHashMap<>();

  SpanSearch(CassandraStorage store) {
    this.store = store;
    this.session = store.session();
    this.resources = store.resources();
    for (TimeBucket.Table words : TimeBucket.WORD_TABLES) {
      selectTokens.put(words, store.prepare("SELECT start_micros, trace_id, span_id FROM {ks}." + words.name
          + " WHERE " + words.column + " = ? AND prefix = ? AND shard = ? AND word >= ? AND word < ? LIMIT "
          + (TOKEN_PARTITION_LIMIT + 1)));
    }
    this.selectSpan = store.prepare("SELECT span FROM {ks}.spans WHERE trace_id = ? AND span_id = ?");
    this.selectTrace = store.prepare("SELECT span FROM {ks}.spans WHERE trace_id = ?");
  }

  /** The query as bounds on the index: start and duration ranges (inclusive), cursor applied. */
  private record Bounds(long fromMicros, long toMicros, long minDuration, long maxDuration) {}

  Page<Span> search(SpanQuery query) {
    SpanOrder order = new SpanOrder(query.sort());
    SpanOrder.Key cursor = order.decode(query.cursor());
    List<String> words = query.text() == null ? null : SearchText.words(query.text());
    if (words != null && words.isEmpty()) return new Page<>(List.of(), null);

    long from = query.fromMicros() == null ? Long.MIN_VALUE : query.fromMicros();
    long to = query.toMicros() == null ? Long.MAX_VALUE : query.toMicros() - 1;
    long minDuration = query.minDurationMicros() == null ? Long.MIN_VALUE : query.minDurationMicros();
    long maxDuration = query.maxDurationMicros() == null ? Long.MAX_VALUE : query.maxDurationMicros();
    if (cursor != null) {
      // Nothing before the cursor's key can follow it: narrow the range the index reads.
      if (order.byTime() && order.descending()) to = Math.min(to, cursor.value());
      if (order.byTime() && !order.descending()) from = Math.max(from, cursor.value());
      if (!order.byTime() && order.descending()) maxDuration = Math.min(maxDuration, cursor.value());
      if (!order.byTime() && !order.descending()) minDuration = Math.max(minDuration, cursor.value());
    }
    if (from > to || minDuration > maxDuration) return new Page<>(List.of(), null);
    Bounds bounds = new Bounds(from, to, minDuration, maxDuration);

    Predicate<Span> matches = span -> span.startMicros() >= bounds.fromMicros()
        && span.startMicros() <= bounds.toMicros()
        && span.durationMicros() >= bounds.minDuration()
        && span.durationMicros() <= bounds.maxDuration()
        && (query.service() == null || query.service().equals(span.service()))
        && (query.status() == null || query.status().matches(span))
        && (words == null || SearchText.matches(words, span))
        && order.after(cursor, span);

    List<TimeBucket> buckets = store.spanBuckets(from, to);
    buckets.sort(TimeBucket.readOrder(!order.byTime() || order.descending()));

    int wanted = query.limit() + 1;
    TokenIndex.Lookup lookup = words == null ? null : TokenIndex.lookup(words);
    List<Span> found = lookup == null ? null
        : byToken(lookup, store.wordBuckets(from, to, buckets), bounds, order, matches, wanted);
    if (found == null) {
      found = order.byTime()
          ? scanInTimeOrder(query, buckets, bounds, order, matches, wanted)
          : scanAll(query, buckets, bounds, order, matches, wanted);
    }
    List<Span> page = found.size() > query.limit() ? found.subList(0, query.limit()) : found;
    String next = found.size() > query.limit() ? order.encode(order.key(page.get(page.size() - 1))) : null;
    return new Page<>(store.link(page), next);
  }

  /**
   * What a token row points at: one span (rows of schema version 2), or every span of a trace that
   * started between {@code low} and {@code high} (version 3: a row per trace and second; the rows of
   * one trace are merged into one range).
   */
  private record Candidate(String traceId, String spanId, long low, long high) {
    boolean wholeTrace() {
      return spanId.equals(TokenIndex.WHOLE_TRACE);
    }

    Candidate widen(Candidate other) {
      return new Candidate(traceId, spanId, Math.min(low, other.low), Math.max(high, other.high));
    }
  }

  /**
   * Spans found through the text index; null when the word is too common for the index to help.
   * Time orders read the word buckets in result order, a few at first and more while the page is
   * not full, and stop once no unread bucket can hold a span that comes before the page's last.
   */
  private List<Span> byToken(TokenIndex.Lookup lookup, List<TimeBucket> wordBuckets, Bounds bounds, SpanOrder order,
      Predicate<Span> matches, int wanted) {
    boolean descending = !order.byTime() || order.descending();
    List<TimeBucket> buckets = wordBuckets.stream().sorted(TimeBucket.readOrder(descending)).toList();
    if (!order.byTime()) {
      List<Candidate> candidates = candidates(lookup, buckets, bounds);
      if (candidates == null || candidates.size() > TOKEN_CANDIDATE_LIMIT) return null;
      List<Span> all = fetch(candidates, matches);
      all.sort(order.spans());
      return all.size() > wanted ? all.subList(0, wanted) : all;
    }
    List<Span> found = new ArrayList<>();
    int window = 1;
    for (int next = 0; next < buckets.size(); ) {
      if (found.size() >= wanted && !buckets.get(next).mayPrecede(descending, found.get(wanted - 1).startMicros())) break;
      List<TimeBucket> read = buckets.subList(next, Math.min(buckets.size(), next + window));
      next += read.size();
      window = Math.min(2 * window, PARALLEL_READS / Buckets.TOKEN_SHARDS);
      List<Candidate> candidates = candidates(lookup, read, bounds);
      if (candidates == null) return null;
      found = fetchInOrder(candidates, order, matches, wanted, found);
    }
    return found.size() > wanted ? found.subList(0, wanted) : found;
  }

  /** The word rows of the buckets that can point at spans within the bounds; null if a partition has too many. */
  private List<Candidate> candidates(TokenIndex.Lookup lookup, List<TimeBucket> buckets, Bounds bounds) {
    List<BoundStatement> reads = new ArrayList<>();
    for (TimeBucket bucket : buckets) {
      for (int shard = 0; shard < bucket.table().shards; shard++) {
        reads.add(selectTokens.get(bucket.table()).bind(bucket.number(), lookup.partitionPrefix(), shard,
            lookup.prefix(), lookup.upperBound()));
      }
    }
    Map<String, Candidate> refs = new LinkedHashMap<>();
    for (List<Row> rows : readAll(reads)) {
      if (rows.size() > TOKEN_PARTITION_LIMIT) return null;
      for (Row r : rows) {
        long start = r.getLong("start_micros");
        String trace = r.getString("trace_id");
        String span = r.getString("span_id");
        Candidate candidate = span.equals(TokenIndex.WHOLE_TRACE)
            ? new Candidate(trace, span, start, start + Buckets.TRACE_WORD_BUCKET_MICROS - 1)
            : new Candidate(trace, span, start, start);
        if (candidate.high() < bounds.fromMicros() || candidate.low() > bounds.toMicros()) continue;
        refs.merge(trace + ":" + span, candidate, Candidate::widen);
      }
    }
    return new ArrayList<>(refs.values());
  }

  /**
   * Adds the matching spans of the candidates to those found, in result order: fetched in the
   * order of the earliest place each candidate's spans could take, stopping once the page is full
   * and no unread candidate can hold a span that comes before its last span.
   */
  private List<Span> fetchInOrder(List<Candidate> candidates, SpanOrder order, Predicate<Span> matches, int wanted,
      List<Span> found) {
    candidates.sort(order.descending()
        ? Comparator.comparingLong(Candidate::high).reversed()
        : Comparator.comparingLong(Candidate::low));
    for (int i = 0; i < candidates.size(); i += PARALLEL_READS) {
      if (found.size() >= wanted) {
        long last = found.get(wanted - 1).startMicros();
        Candidate next = candidates.get(i);
        if (order.descending() ? next.high() < last : next.low() > last) break;
      }
      found.addAll(fetch(candidates.subList(i, Math.min(candidates.size(), i + PARALLEL_READS)), matches));
      found = distinct(found);
      found.sort(order.spans());
    }
    return found;
  }

  /** The spans the candidates point at that match the query. */
  private List<Span> fetch(List<Candidate> candidates, Predicate<Span> matches) {
    List<BoundStatement> reads = candidates.stream()
        .map(c -> c.wholeTrace() ? selectTrace.bind(c.traceId()) : selectSpan.bind(c.traceId(), c.spanId()))
        .toList();
    List<Span> spans = new ArrayList<>();
    // A token row may outlive its span by a moment of TTL skew: no span, no result.
    for (Span span : resources.decode(readAll(reads).stream().flatMap(List::stream).toList())) {
      if (matches.test(span)) spans.add(span);
    }
    return distinct(spans);
  }

  /** A span can be found through its own row and its trace's row: keep it once. */
  private static List<Span> distinct(List<Span> spans) {
    Map<String, Span> byId = new LinkedHashMap<>();
    for (Span span : spans) byId.putIfAbsent(span.traceId() + ":" + span.spanId(), span);
    return new ArrayList<>(byId.values());
  }

  /**
   * The shards of every bucket merged in result order, each already in order. A bucket is opened
   * (its shards read) only once it may hold the next span: the first alone, then twice as many at
   * once each time more are needed (sparse data), up to {@link #PARALLEL_READS} reads.
   */
  private List<Span> scanInTimeOrder(SpanQuery query, List<TimeBucket> buckets, Bounds bounds, SpanOrder order,
      Predicate<Span> matches, int wanted) {
    Comparator<Span> spans = order.spans();
    PriorityQueue<ShardStream> heads = new PriorityQueue<>((a, b) -> spans.compare(a.peek(), b.peek()));
    List<Span> found = new ArrayList<>();
    int next = 0;
    int window = 1;
    Span previous = null;
    while (true) {
      while (next < buckets.size()
          && (heads.isEmpty() || buckets.get(next).mayPrecede(order.descending(), heads.peek().peek().startMicros()))) {
        List<TimeBucket> opened = buckets.subList(next, Math.min(buckets.size(), next + window));
        next += opened.size();
        window = Math.min(2 * window, PARALLEL_READS / Buckets.SPAN_SHARDS);
        heads.addAll(open(query, opened, bounds, order, wanted));
      }
      ShardStream head = heads.poll();
      if (head == null) return found;
      Span span = head.next();
      if (head.peek() != null) heads.add(head);
      // A span written again (a retry) after its hour passed the coarse limit, or before and after
      // an upgrade, is in both layouts' tables: its two rows come one after the other.
      boolean repeated = previous != null && previous.traceId().equals(span.traceId())
          && previous.spanId().equals(span.spanId());
      previous = span;
      if (!repeated && matches.test(span)) {
        found.add(span);
        if (found.size() == wanted) return found;
      }
    }
  }

  /** The non-empty shards of the buckets, their first pages read in parallel. */
  private List<ShardStream> open(SpanQuery query, List<TimeBucket> buckets, Bounds bounds, SpanOrder order, int wanted) {
    List<CompletableFuture<AsyncResultSet>> pages = new ArrayList<>();
    for (TimeBucket bucket : buckets) {
      for (int shard = 0; shard < bucket.table().shards; shard++) {
        pages.add(session.executeAsync(scan(query, bucket, shard, bounds, order).setPageSize(Math.max(100, wanted)))
            .toCompletableFuture());
      }
    }
    List<ShardStream> streams = new ArrayList<>();
    for (CompletableFuture<AsyncResultSet> page : pages) {
      ShardStream stream = new ShardStream(page.join(), resources);
      if (stream.peek() != null) streams.add(stream);
    }
    return streams;
  }

  /** Duration orders need every candidate of the time range; SAI narrows what each shard returns. */
  private List<Span> scanAll(SpanQuery query, List<TimeBucket> buckets, Bounds bounds, SpanOrder order,
      Predicate<Span> matches, int wanted) {
    List<BoundStatement> reads = new ArrayList<>();
    if (query.fromMicros() == null && query.toMicros() == null && hasIndexedFilter(query, bounds)) {
      for (TimeBucket.Table table : TimeBucket.SPAN_TABLES) {
        reads.add(globalIndexScan(query, bounds, table));
      }
    } else {
      for (TimeBucket bucket : buckets) {
        for (int shard = 0; shard < bucket.table().shards; shard++) reads.add(scan(query, bucket, shard, bounds, order));
      }
    }
    List<Span> all = new ArrayList<>();
    for (Span span : resources.decode(readAll(reads).stream().flatMap(List::stream).toList())) {
      if (matches.test(span)) all.add(span);
    }
    all = distinct(all);
    all.sort(order.spans());
    return all.size() > wanted ? new ArrayList<>(all.subList(0, wanted)) : all;
  }

  /**
   * One shard of one bucket, in the order's direction, with the query's filters as SAI
   * restrictions. Cassandra 5.0 cannot reverse the order of an index query, so oldest-first reads
   * the partition backwards without them and the filters are applied in memory.
   */
  private BoundStatement scan(SpanQuery query, TimeBucket bucket, int shard, Bounds bounds, SpanOrder order) {
    TimeBucket.Table table = bucket.table();
    StringBuilder cql = new StringBuilder("SELECT span FROM {ks}." + table.name + " WHERE " + table.column
        + " = ? AND shard = ? AND start_micros >= ? AND start_micros <= ?");
    List<Object> values = new ArrayList<>(List.of(bucket.number(), shard, bounds.fromMicros(), bounds.toMicros()));
    if (order.byTime() && !order.descending()) {
      cql.append(" ORDER BY start_micros ASC");
    } else {
      indexRestrictions(query, bounds, cql, values);
    }
    return scans.computeIfAbsent(cql.toString(), store::prepare).bind(values.toArray());
  }

  /**
   * Without a time range, a duration-ordered search with a filter asks the SAI indexes across the
   * whole table at once instead of every bucket's shards one by one. Without an indexed filter
   * that would read the whole table, which the bucket-by-bucket scan does as well.
   */
  private static boolean hasIndexedFilter(SpanQuery query, Bounds bounds) {
    return query.service() != null || query.status() != null || bounds.minDuration() != Long.MIN_VALUE
        || bounds.maxDuration() != Long.MAX_VALUE;
  }

  private BoundStatement globalIndexScan(SpanQuery query, Bounds bounds, TimeBucket.Table table) {
    StringBuilder cql = new StringBuilder();
    List<Object> values = new ArrayList<>();
    indexRestrictions(query, bounds, cql, values);
    String where = cql.substring(" AND ".length());
    return scans.computeIfAbsent("SELECT span FROM {ks}." + table.name + " WHERE " + where, store::prepare)
        .bind(values.toArray());
  }

  private static void indexRestrictions(SpanQuery query, Bounds bounds, StringBuilder cql, List<Object> values) {
    if (query.service() != null) {
      cql.append(" AND service = ?");
      values.add(query.service());
    }
    StatusFilter status = query.status();
    if (status != null) {
      switch (status.kind()) {
        case CODE -> {
          cql.append(" AND http_status = ?");
          values.add(status.value());
        }
        case CLASS -> {
          cql.append(" AND http_status >= ? AND http_status <= ?");
          values.add(status.value() * 100);
          values.add(status.value() * 100 + 99);
        }
        case ERROR -> cql.append(" AND error = true");
      }
    }
    if (bounds.minDuration() != Long.MIN_VALUE) {
      cql.append(" AND duration >= ?");
      values.add(bounds.minDuration());
    }
    if (bounds.maxDuration() != Long.MAX_VALUE) {
      cql.append(" AND duration <= ?");
      values.add(bounds.maxDuration());
    }
  }

  /** Runs reads at most {@link #PARALLEL_READS} at a time; every row of each, in statement order. */
  private List<List<Row>> readAll(List<BoundStatement> reads) {
    List<List<Row>> results = new ArrayList<>(reads.size());
    for (int i = 0; i < reads.size(); i += PARALLEL_READS) {
      List<CompletableFuture<List<Row>>> window = new ArrayList<>();
      for (BoundStatement read : reads.subList(i, Math.min(reads.size(), i + PARALLEL_READS))) {
        window.add(session.executeAsync(read).thenCompose(Rows::all).toCompletableFuture());
      }
      for (CompletableFuture<List<Row>> f : window) results.add(f.join());
    }
    return results;
  }

  /** The spans of one shard's partition, page by page, each page decoded when reached. */
  private static final class ShardStream {
    private final Resources resources;
    private AsyncResultSet page;
    private Iterator<Span> spans;
    private Span head;

    ShardStream(AsyncResultSet first, Resources resources) {
      this.resources = resources;
      page = first;
      spans = decoded(first);
      advance();
    }

    private Iterator<Span> decoded(AsyncResultSet page) {
      List<Row> rows = new ArrayList<>();
      page.currentPage().forEach(rows::add);
      return resources.decode(rows).iterator();
    }

    Span peek() {
      return head;
    }

    Span next() {
      Span span = head;
      advance();
      return span;
    }

    private void advance() {
      while (!spans.hasNext() && page.hasMorePages()) {
        page = page.fetchNextPage().toCompletableFuture().join();
        spans = decoded(page);
      }
      head = spans.hasNext() ? spans.next() : null;
    }
  }
}
