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
    assertThat(config.coarseLimits()).isEqualTo(new CoarseLimits(100_000, 400_000));
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
        "RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR", "20000",
        "RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY", "0",
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
    assertThat(config.coarseLimits()).isEqualTo(new CoarseLimits(20_000, 0));
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
    assertThatThrownBy(() -> CassandraConfig.fromEnvironment(Map.of("RETROSPECT_CASSANDRA_MAX_PENDING_WRITES", "0")))
        .hasMessage("RETROSPECT_CASSANDRA_MAX_PENDING_WRITES must be a whole number from 1 to 2147483647, got \"0\"");
  }

  @Test
  void aCoarseLimitOutsideItsRangeIsReportedWithItsVariableRangeAndValue() {
    for (String bad : new String[] {"many", "-1", "1e5", "100,000", "1000001"}) {
      assertThatThrownBy(() -> CassandraConfig.fromEnvironment(Map.of("RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR", bad)))
          .hasMessage("RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR must be a whole number from 0 to 1000000, got \""
              + bad + "\"");
    }
    assertThatThrownBy(() -> CassandraConfig.fromEnvironment(
            Map.of("RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY", "4000001")))
        .hasMessage("RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY must be a whole number from 0 to 4000000,"
            + " got \"4000001\"");
    assertThat(CassandraConfig.fromEnvironment(Map.of(
            "RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR", " 1000000 ",
            "RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY", "4000000")).coarseLimits())
        .as("the largest values").isEqualTo(new CoarseLimits(1_000_000, 4_000_000));
  }
}
