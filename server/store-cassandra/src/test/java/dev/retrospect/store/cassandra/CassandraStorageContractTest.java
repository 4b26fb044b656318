package dev.retrospect.store.cassandra;

import dev.retrospect.contract.LinkingContract;
import dev.retrospect.contract.ReplayContract;
import dev.retrospect.contract.RetentionContract;
import dev.retrospect.contract.SpanSearchContract;
import dev.retrospect.contract.SpanStoreContract;
import dev.retrospect.core.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole storage contract against a real Cassandra node; one keyspace serves every test. The
 * span contracts run again against a store whose hours and days pass the coarse limit after two
 * spans, so that nearly every bucket they read holds spans in both layouts.
 */
@ExtendWith(CassandraNodeExtension.class)
class CassandraStorageContractTest {
  static CassandraStorage storage;
  static CassandraStorage mixed;

  @BeforeAll
  static void createStore(CassandraNode node) {
    storage = CassandraStorage.create(node.config("contract"));
    mixed = CassandraStorage.create(node.config("contract_mixed").withCoarseLimits(new CoarseLimits(2, 2)));
  }

  @AfterAll
  static void closeStore() {
    storage.close();
    mixed.close();
  }

  @Nested
  class SpanStore extends SpanStoreContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class SpanSearch extends SpanSearchContract {
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

  @Nested
  class SpanStoreInBothLayouts extends SpanStoreContract {
    @Override
    protected Storage storage() {
      return mixed;
    }
  }

  @Nested
  class SpanSearchInBothLayouts extends SpanSearchContract {
    @Override
    protected Storage storage() {
      return mixed;
    }
  }

  @Nested
  class RetentionInBothLayouts extends RetentionContract {
    @Override
    protected Storage storage() {
      return mixed;
    }
  }
}
