package dev.retrospect.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.Storage;
import dev.retrospect.server.ingest.BoundedGunzip;
import dev.retrospect.server.ingest.ReplayBatchDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rrweb events a player needs for a stretch of a session: from the last full snapshot at or
 * before {@code from} (so that the player can build the page from it) up to {@code to}, in time
 * order. Without such a snapshot it starts at the session's first event.
 */
final class SessionEvents {
  /** rrweb's EventType.Meta. */
  private static final int META = 4;

  private final Storage storage;
  private final long maxBatchBytes;

  SessionEvents(Storage storage, long maxBatchBytes) {
    this.storage = storage;
    this.maxBatchBytes = maxBatchBytes;
  }

  ArrayNode between(String sessionId, long fromMicros, long toMicros) {
    List<Timed> events = new ArrayList<>();
    for (ReplayBatch batch : storage.replay(sessionId, fromMicros, toMicros)) {
      JsonNode array;
      try {
        array = ApiJson.MAPPER.readTree(BoundedGunzip.gunzip(batch.events(), maxBatchBytes));
      } catch (IOException e) {
        throw new UncheckedIOException("stored replay batch " + batch.sequence() + " of session " + sessionId + " is unreadable", e);
      }
      for (JsonNode e : array) {
        events.add(new Timed(Math.round(e.path("timestamp").asDouble() * 1000.0), e.path("type").asInt(), e));
      }
    }
    events.sort(Comparator.comparingLong(Timed::micros)); // stable: batch order breaks ties

    int start = 0;
    for (int i = 0; i < events.size() && events.get(i).micros() <= fromMicros; i++) {
      if (events.get(i).type() == ReplayBatchDecoder.FULL_SNAPSHOT) start = i;
    }
    // rrweb records a Meta event (page size) just before each full snapshot; a player needs both.
    if (start > 0 && events.get(start).type() == ReplayBatchDecoder.FULL_SNAPSHOT
        && events.get(start - 1).type() == META) {
      start--;
    }
    ArrayNode out = ApiJson.array();
    for (int i = start; i < events.size() && events.get(i).micros() <= toMicros; i++) {
      out.add(events.get(i).event());
    }
    return out;
  }

  private record Timed(long micros, int type, JsonNode event) {}
}
