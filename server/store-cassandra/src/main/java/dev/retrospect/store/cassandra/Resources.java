package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Attributes;
import dev.retrospect.core.Span;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The {@code resources} table: each distinct set of resource attributes stored once, under its
 * {@link ResourceKey}, instead of in every span row (an SDK's resource is most of a small span).
 * Writers rewrite a resource row, refreshing its TTL, at most once per {@link #REFRESH_MILLIS};
 * readers resolve keys through a bounded cache. RATIONALE.md ("Resources") says why a resource
 * never expires before a span naming it.
 */
final class Resources {
  /** A resource row is rewritten by a process at most this often. */
  static final long REFRESH_MILLIS = 3_600_000;
  /** Resources are few (one per process start of each service): both maps stay far below this. */
  private static final int BOUND = 10_000;
  private static final Logger LOG = Logger.getLogger(Resources.class.getName());

  /**
   * A resource's attributes encoded once per write, with the key of those bytes and the size a
   * span naming it is counted with (see {@link #textBytes}).
   */
  record Encoded(ResourceKey key, ByteBuffer attributes, long textBytes) {
    static Encoded of(Map<String, AttributeValue> attributes) {
      ByteBuffer bytes = BinaryCodec.encodeResource(attributes);
      return new Encoded(ResourceKey.of(bytes), bytes, Resources.textBytes(attributes));
    }
  }

  private final CqlSession session;
  private final int ttlSeconds;
  private final PreparedStatement insert;
  private final PreparedStatement select;
  /** When this process last started a write of each resource row that succeeded. */
  private final Map<ResourceKey, Long> written = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Map<String, AttributeValue>> cache = new ConcurrentHashMap<>();

  Resources(CassandraStorage store, int spanTtlSeconds) {
    this.session = store.session();
    // A day beyond the spans' TTL: a span written up to REFRESH_MILLIS after its resource's last
    // write still expires first, with the rest of the day as margin for clocks (see RATIONALE.md).
    this.ttlSeconds = spanTtlSeconds + 24 * 3600;
    this.insert = store.prepare("INSERT INTO {ks}.resources (id, attributes) VALUES (?, ?) USING TTL ?");
    this.select = store.prepare("SELECT attributes FROM {ks}.resources WHERE id = ?");
  }

  /** The resources this process has not written within the refresh period. */
  List<Encoded> due(Collection<Encoded> resources) {
    long now = System.currentTimeMillis();
    List<Encoded> due = new ArrayList<>();
    for (Encoded r : resources) {
      Long last = written.get(r.key());
      if (last == null || now - last > REFRESH_MILLIS) due.add(r);
    }
    return due;
  }

  Statement<?> row(Encoded resource) {
    return insert.bind(resource.key().bytes(), resource.attributes(), ttlSeconds);
  }

  /**
   * Records that the resources' rows were stored by a write that started at {@code startedMillis}:
   * the start, not the end, so that the refresh period is never counted from later than the TTL.
   */
  void written(Collection<Encoded> resources, long startedMillis) {
    if (written.size() > BOUND) written.clear();
    for (Encoded r : resources) written.merge(r.key(), startedMillis, Math::max);
  }

  /**
   * The spans stored in the rows' {@code span} column, in order, with their resource attributes:
   * the keys not cached are read at once, one query per distinct key. A key without a row (it
   * should not happen, see RATIONALE.md) gives empty resource attributes and a warning, and is not
   * cached, so that a later read finds the row if it arrives.
   */
  List<Span> decode(List<Row> rows) {
    List<ByteBuffer> blobs = new ArrayList<>(rows.size());
    Set<ResourceKey> keys = new LinkedHashSet<>();
    for (Row row : rows) {
      ByteBuffer blob = row.getByteBuffer("span");
      blobs.add(blob);
      ResourceKey key = BinaryCodec.resourceKey(blob);
      if (key != null) keys.add(key);
    }
    Map<ResourceKey, Map<String, AttributeValue>> known = resolve(keys);
    List<Span> spans = new ArrayList<>(blobs.size());
    for (ByteBuffer blob : blobs) spans.add(BinaryCodec.decodeSpan(blob, key -> known.getOrDefault(key, Map.of())));
    return spans;
  }

  /**
   * About how many bytes each resource's attributes take, by {@link #textBytes} (a key without a
   * row is left out, as {@link #decode} gives its spans no resource attributes).
   */
  Map<ResourceKey, Long> sizes(Collection<ResourceKey> keys) {
    Map<ResourceKey, Long> sizes = new HashMap<>();
    resolve(keys).forEach((key, attributes) -> sizes.put(key, textBytes(attributes)));
    return sizes;
  }

  /** About how many bytes resource attributes take: the text of their names and values. */
  static long textBytes(Map<String, AttributeValue> attributes) {
    long bytes = 0;
    for (Map.Entry<String, AttributeValue> a : attributes.entrySet()) bytes += a.getKey().length() + a.getValue().value().length();
    return bytes;
  }

  /** The attributes of each key, from the cache or, for the keys not cached, read at once. */
  private Map<ResourceKey, Map<String, AttributeValue>> resolve(Collection<ResourceKey> keys) {
    Map<ResourceKey, Map<String, AttributeValue>> known = new HashMap<>();
    Set<ResourceKey> missing = new LinkedHashSet<>();
    for (ResourceKey key : keys) {
      Map<String, AttributeValue> cached = cache.get(key);
      if (cached != null) known.put(key, cached);
      else missing.add(key);
    }
    known.putAll(fetch(missing));
    return known;
  }

  private Map<ResourceKey, Map<String, AttributeValue>> fetch(Set<ResourceKey> keys) {
    Map<ResourceKey, CompletableFuture<Row>> reads = new HashMap<>();
    for (ResourceKey key : keys) {
      reads.put(key, session.executeAsync(select.bind(key.bytes())).thenApply(rs -> rs.one()).toCompletableFuture());
    }
    Map<ResourceKey, Map<String, AttributeValue>> found = new HashMap<>();
    for (Map.Entry<ResourceKey, CompletableFuture<Row>> read : reads.entrySet()) {
      Row row = read.getValue().join();
      if (row == null) {
        LOG.warning("no resource row for key " + read.getKey() + ": spans naming it are returned without resource"
            + " attributes");
        continue;
      }
      // Frozen once, so that the spans of a page share it rather than each copying it.
      Map<String, AttributeValue> attributes = Attributes.copyOf(BinaryCodec.decodeResource(row.getByteBuffer("attributes")));
      found.put(read.getKey(), attributes);
      if (cache.size() > BOUND) cache.clear();
      cache.put(read.getKey(), attributes);
    }
    return found;
  }
}
