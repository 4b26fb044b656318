package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.retrospect.store.cassandra.CassandraConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageFactoryTest {
  @Test
  void cassandraSettingsComeFromEnvironmentAndFlagsInOnePlace() {
    ServerConfig config = ServerConfig.from(
        Map.of("RETROSPECT_CASSANDRA_CONSISTENCY", "quorum", "RETROSPECT_CASSANDRA_REPLICATION", "dc1:3,dc2:2"),
        "--storage=cassandra", "--cassandra-contact-points=10.0.0.1,10.0.0.2:9142",
        "--cassandra-keyspace=shop", "--retention-days=14", "--cassandra-manage-schema=false");

    CassandraConfig cassandra = StorageFactory.cassandraConfig(config);

    assertThat(cassandra.contactPoints()).extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("10.0.0.1:9042", "10.0.0.2:9142");
    assertThat(cassandra.keyspace()).isEqualTo("shop");
    assertThat(cassandra.consistency()).isEqualTo(DefaultConsistencyLevel.QUORUM);
    assertThat(cassandra.retentionDays()).isEqualTo(14);
    assertThat(cassandra.manageSchema()).isFalse();
    assertThat(cassandra.username()).isNull();
  }

  @Test
  void aBadCassandraSettingStopsTheStartNamingTheVariable() {
    ServerConfig config = ServerConfig.from(
        Map.of("RETROSPECT_CASSANDRA_CONSISTENCY", "SOMETIMES"), "--storage=cassandra");

    assertThatThrownBy(() -> StorageFactory.open(config))
        .isInstanceOf(ServerConfig.ConfigException.class)
        .hasMessageContaining("RETROSPECT_CASSANDRA_CONSISTENCY");
  }
}
