package dev.retrospect.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CassandraConfigTest {

  @Test
  void defaultsSuitASingleLocalNode() {
    CassandraConfig config = CassandraConfig.fromEnvironment(Map.of());

    assertThat(config.contactPoints()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 9042));
    assertThat(config.localDatacenter()).isEqualTo("datacenter1");
    assertThat(config.keyspace()).isEqualTo("retrospect");
    assertThat(config.consistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
    assertThat(config.replication()).isEqualTo(Replication.simple(1));
    assertThat(config.retentionDays()).isEqualTo(7);
    assertThat(config.manageSchema()).isTrue();
  }

  @Test
  void environmentVariablesConfigureAClusterOfTwoDataCentres() {
    CassandraConfig config = CassandraConfig.fromEnvironment(Map.of(
        "RETROSPECT_CASSANDRA_CONTACT_POINTS", "cass-1.eu:9043, cass-2.eu",
        "RETROSPECT_CASSANDRA_LOCAL_DC", "eu-west",
        "RETROSPECT_CASSANDRA_KEYSPACE", "tracing",
        "RETROSPECT_CASSANDRA_CONSISTENCY", "local_one",
        "RETROSPECT_CASSANDRA_REPLICATION", "eu-west:3,us-east:3",
        "RETROSPECT_CASSANDRA_MAX_PENDING_WRITES", "5000",
        "RETROSPECT_CASSANDRA_MANAGE_SCHEMA", "false",
        "RETROSPECT_RETENTION_DAYS", "30"));

    assertThat(config.contactPoints()).containsExactly(
        InetSocketAddress.createUnresolved("cass-1.eu", 9043), InetSocketAddress.createUnresolved("cass-2.eu", 9042));
    assertThat(config.localDatacenter()).isEqualTo("eu-west");
    assertThat(config.keyspace()).isEqualTo("tracing");
    assertThat(config.consistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_ONE);
    assertThat(config.replication().toCql())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us-east': 3}");
    assertThat(config.maxPendingWrites()).isEqualTo(5000);
    assertThat(config.manageSchema()).isFalse();
    assertThat(config.retentionDays()).isEqualTo(30);
  }

  @Test
  void aWrongValueIsReportedWithItsVariable() {
    assertThatThrownBy(() -> CassandraConfig.fromEnvironment(Map.of("RETROSPECT_CASSANDRA_REPLICATION", "three")))
        .hasMessageContaining("RETROSPECT_CASSANDRA_REPLICATION").hasMessageContaining("three");
    assertThatThrownBy(() -> CassandraConfig.fromEnvironment(Map.of("RETROSPECT_CASSANDRA_CONSISTENCY", "MOST")))
        .hasMessageContaining("RETROSPECT_CASSANDRA_CONSISTENCY");
    assertThatThrownBy(() -> CassandraConfig.fromEnvironment(Map.of("RETROSPECT_CASSANDRA_KEYSPACE", "drop table")))
        .hasMessageContaining("keyspace");
    assertThatThrownBy(() -> CassandraConfig.fromEnvironment(Map.of("RETROSPECT_RETENTION_DAYS", "0")))
        .hasMessageContaining("retention");
  }
}
