package dev.retrospect.contract;

import dev.retrospect.core.Page;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The base of the storage contract. A store's test subclasses each contract class (Zipkin style,
 * for example as {@code @Nested} classes of one test class) and returns its store from {@link
 * #storage()}; one store instance may serve every test, because no test assumes an empty store:
 * each makes its own ids, service names, words and time window (see {@link TestData}).
 *
 * <p>The contract classes:
 *
 * <ul>
 *   <li>{@link SpanStoreContract}: writing and reading spans and traces.
 *   <li>{@link SpanSearchContract}: search filters, text, sorts, limits and cursors.
 *   <li>{@link ReplayContract}: replay batches, chapters and sessions.
 *   <li>{@link LinkingContract}: spans joined to chapters and sessions by trace id.
 *   <li>{@link RetentionContract}: {@code purgeBefore}; stores whose data expires by TTL may leave
 *       it out.
 * </ul>
 */
public abstract class StorageContract {

  /** The store under test; may be shared by all tests of a class. */
  protected abstract Storage storage();

  /**
   * Waits until a write is readable. Writes complete through their future once durable, and the
   * contract requires that a completed write is visible to every read that starts after it; a
   * store that needs more (an index refresh) overrides this.
   */
  protected void awaitWritten(CompletableFuture<Void> write) {
    write.join();
  }

  protected final void write(List<Span> spans) {
    awaitWritten(storage().writeSpans(spans));
  }

  protected final void write(Span... spans) {
    write(List.of(spans));
  }

  protected final void write(ReplayBatch batch) {
    awaitWritten(storage().writeReplay(batch));
  }

  /** Every result of a search, following cursors page by page. */
  protected final List<Span> searchAll(SpanQuery query) {
    List<Span> all = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 10_000; pages++) {
      Page<Span> page = storage().searchSpans(query.withCursor(cursor));
      all.addAll(page.items());
      cursor = page.nextCursor();
      if (cursor == null) return all;
    }
    throw new AssertionError("search did not end after 10,000 pages");
  }
}
