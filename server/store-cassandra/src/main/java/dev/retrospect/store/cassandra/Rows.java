package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Every row of an asynchronous result, following its pages without blocking a driver thread. */
final class Rows {
  private Rows() {}

  static CompletionStage<List<Row>> all(AsyncResultSet first) {
    return collect(first, new ArrayList<>());
  }

  private static CompletionStage<List<Row>> collect(AsyncResultSet page, List<Row> rows) {
    page.currentPage().forEach(rows::add);
    if (!page.hasMorePages()) return CompletableFuture.completedFuture(rows);
    return page.fetchNextPage().thenCompose(next -> collect(next, rows));
  }
}
