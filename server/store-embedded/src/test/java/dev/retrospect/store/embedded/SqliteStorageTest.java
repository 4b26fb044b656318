package dev.retrospect.store.embedded;

import dev.retrospect.contract.LinkingContract;
import dev.retrospect.contract.ReplayContract;
import dev.retrospect.contract.RetentionContract;
import dev.retrospect.contract.SpanSearchContract;
import dev.retrospect.contract.SpanStoreContract;
import dev.retrospect.core.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The whole storage contract against one real SQLite store shared by every test. */
class SqliteStorageTest {
  @TempDir static Path dataDirectory;
  static SqliteStorage storage;

  @BeforeAll
  static void open() {
    storage = SqliteStorage.open(dataDirectory);
  }

  @AfterAll
  static void close() {
    storage.close();
  }

  @Nested
  class Spans extends SpanStoreContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class Search extends SpanSearchContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class Replay extends ReplayContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class Linking extends LinkingContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class Retention extends RetentionContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }
}
