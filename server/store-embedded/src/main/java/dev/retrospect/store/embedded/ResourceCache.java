package dev.retrospect.store.embedded;

import dev.retrospect.core.AttributeValue;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded {@code resources} rows by id, for the readers: a page of spans names a handful of
 * resources, read once each. Bounded, least recently used first out, so that a store holding very
 * many resources costs a lookup now and then, not memory. A resource row never changes once
 * written and its id is never given to another (retention keeps the row with the highest id), so
 * nothing here goes stale; an entry whose row retention deleted is no longer asked for.
 */
final class ResourceCache {
  private static final int CAPACITY = 1_024;

  private final Map<Long, Map<String, AttributeValue>> byId =
      Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Map<String, AttributeValue>> eldest) {
          return size() > CAPACITY;
        }
      });

  Map<String, AttributeValue> byId(ReadConnections.Reader reader, long id) throws SQLException {
    Map<String, AttributeValue> known = byId.get(id);
    if (known != null) return known;
    PreparedStatement select = reader.prepare("SELECT body FROM resources WHERE id = ?");
    select.setLong(1, id);
    try (ResultSet r = select.executeQuery()) {
      if (!r.next()) throw new IllegalStateException("span names resource " + id + ", which is not stored");
      Map<String, AttributeValue> attributes = SpanCodec.decodeAttributes(r.getBytes(1));
      byId.put(id, attributes);
      return attributes;
    }
  }
}
