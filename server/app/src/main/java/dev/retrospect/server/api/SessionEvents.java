package dev.retrospect.server.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.Storage;
import dev.retrospect.server.ingest.BoundedGunzip;
import dev.retrospect.server.ingest.ReplayBatchDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rrweb events a player needs for a stretch of a session: from the last full snapshot at or
 * before {@code from} (so that the player can build the page from it) up to {@code to}, in time
 * order. Without such a snapshot it starts at the session's first event.
 *
 * <p>Events are not parsed into trees: each batch is decompressed once, its events are located
 * (time, type, where they start and end) with a streaming parser, and the answer is those byte
 * ranges copied into one array of known size. A read so holds its batches compressed and
 * decompressed, the answer, and a small index per event: it reserves the compressed batches before
 * it reads them, and the rest before it decompresses them.
 */
final class SessionEvents {
  /** rrweb's EventType.Meta. */
  private static final int META = 4;

  /** Heap of one located event: the index record and its list slot, rounded up. */
  private static final int BYTES_PER_EVENT = 64;

  private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  private final Storage storage;
  private final long maxBatchBytes;

  SessionEvents(Storage storage, long maxBatchBytes) {
    this.storage = storage;
    this.maxBatchBytes = maxBatchBytes;
  }

  /** The answer of {@code GET /api/sessions/{id}/events}: {@code {"events":[…]}} as UTF-8 JSON. */
  byte[] between(String sessionId, long fromMicros, long toMicros, QueryMemory.Share memory) {
    // The batches as stored first, told before they are read; then, once their gzip trailers tell
    // the decompressed sizes, all that the read holds (which includes them).
    memory.growTo(storage.replayBytes(sessionId, fromMicros, toMicros));
    List<ReplayBatch> batches = storage.replay(sessionId, fromMicros, toMicros);
    memory.growTo(heapNeeded(batches));

    List<byte[]> decompressed = new ArrayList<>(batches.size());
    List<Located> events = new ArrayList<>();
    for (ReplayBatch batch : batches) {
      byte[] json = BoundedGunzip.gunzip(batch.events(), maxBatchBytes);
      try {
        locate(json, decompressed.size(), events);
      } catch (IOException e) {
        throw new UncheckedIOException("stored replay batch " + batch.sequence() + " of session " + sessionId + " is unreadable", e);
      }
      decompressed.add(json);
    }
    events.sort(Comparator.comparingLong(Located::micros)); // stable: batch order breaks ties

    int start = 0;
    for (int i = 0; i < events.size() && events.get(i).micros() <= fromMicros; i++) {
      if (events.get(i).type() == ReplayBatchDecoder.FULL_SNAPSHOT) start = i;
    }
    // rrweb records a Meta event (page size) just before each full snapshot; a player needs both.
    if (start > 0 && events.get(start).type() == ReplayBatchDecoder.FULL_SNAPSHOT
        && events.get(start - 1).type() == META) {
      start--;
    }
    int end = start;
    long length = HEAD.length + TAIL.length;
    while (end < events.size() && events.get(end).micros() <= toMicros) {
      length += events.get(end).length() + (end > start ? 1 : 0);
      end++;
    }
    if (length > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("the events of session " + sessionId + " in this range are larger than 2 GB; ask for a shorter range");
    }
    byte[] out = new byte[(int) length];
    System.arraycopy(HEAD, 0, out, 0, HEAD.length);
    int at = HEAD.length;
    for (int i = start; i < end; i++) {
      Located e = events.get(i);
      if (i > start) out[at++] = ',';
      System.arraycopy(decompressed.get(e.batch()), e.offset(), out, at, e.length());
      at += e.length();
    }
    System.arraycopy(TAIL, 0, out, at, TAIL.length);
    return out;
  }

  /**
   * What a read of these batches holds at its peak: the batches as stored, each decompressed, the
   * answer (at most all of them again), the index, and the decompression buffers of the largest
   * batch (they double as they grow, then are copied once).
   */
  private static long heapNeeded(List<ReplayBatch> batches) {
    long needed = 0;
    long largest = 0;
    for (ReplayBatch b : batches) {
      long size = decompressedSize(b.events());
      needed += b.events().length + 2 * size + (long) BYTES_PER_EVENT * b.eventCount();
      largest = Math.max(largest, size);
    }
    return needed + 2 * largest;
  }

  /**
   * The decompressed size a gzip stream records in its last four bytes (modulo 4 GiB). The server
   * wrote every stored batch itself as one gzip member of at most the decompression cap, so this
   * is exact; it is known before anything is decompressed.
   */
  static long decompressedSize(byte[] gzip) {
    int n = gzip.length;
    if (n < 4) return 0;
    return (gzip[n - 4] & 0xffL) | (gzip[n - 3] & 0xffL) << 8 | (gzip[n - 2] & 0xffL) << 16 | (gzip[n - 1] & 0xffL) << 24;
  }

  /** Adds where each event of a batch's JSON array starts and ends, with its time and type. */
  private static void locate(byte[] json, int batch, List<Located> events) throws IOException {
    try (JsonParser p = ApiJson.MAPPER.getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_ARRAY) throw new IOException("not a JSON array");
      for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
        if (t != JsonToken.START_OBJECT) throw new IOException("an event is not a JSON object");
        int offset = (int) p.currentTokenLocation().getByteOffset();
        double millis = 0;
        int type = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("timestamp") && value.isNumeric()) {
            millis = p.getDoubleValue();
          } else if (field.equals("type") && value.isNumeric()) {
            type = p.getValueAsInt();
          } else {
            p.skipChildren();
          }
        }
        int end = (int) p.currentTokenLocation().getByteOffset() + 1;
        events.add(new Located(Math.round(millis * 1000.0), type, batch, offset, end - offset));
      }
    }
  }

  /** One event: its time, rrweb type, and where its JSON is in its batch's decompressed bytes. */
  private record Located(long micros, int type, int batch, int offset, int length) {}
}
