package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.retrospect.store.cassandra.CassandraConfig;
import dev.retrospect.store.cassandra.CoarseLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
  void coarseLimitsDefaultToTheDocumentedOnesAndAreSetByVariableOrFlag() {
    ServerConfig defaults = ServerConfig.from(Map.of(), "--storage=cassandra");
    assertThat(StorageFactory.cassandraConfig(defaults).coarseLimits()).isEqualTo(new CoarseLimits(100_000, 400_000));

    ServerConfig lowered = ServerConfig.from(Map.of("RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR", "12500"),
        "--storage=cassandra", "--cassandra-coarse-trace-seconds-per-day=0");
    assertThat(StorageFactory.cassandraConfig(lowered).coarseLimits()).isEqualTo(new CoarseLimits(12_500, 0));
  }

  @Test
  void aBadCoarseLimitStopsTheStartNamingTheSettingItsFlagTheRangeAndTheValue() {
    ServerConfig config = ServerConfig.from(Map.of(), "--storage=cassandra", "--cassandra-coarse-spans-per-hour=-5");

    assertThatThrownBy(() -> StorageFactory.open(config))
        .isInstanceOf(ServerConfig.ConfigException.class)
        .hasMessage("RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR (--cassandra-coarse-spans-per-hour) must be a whole"
            + " number from 0 to 1000000, got \"-5\"");
    assertThatThrownBy(() -> StorageFactory.open(ServerConfig.from(
            Map.of("RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY", "lots"), "--storage=cassandra")))
        .hasMessage("RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY (--cassandra-coarse-trace-seconds-per-day)"
            + " must be a whole number from 0 to 4000000, got \"lots\"");
  }

  @Test
  void aServerStartedWithABadCoarseLimitPrintsTheReasonAndExitsBeforeConnecting() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Port 1 has no Cassandra: a start that got as far as connecting would say so instead.
    ProcessBuilder command = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        RetrospectServer.class.getName(), "--storage=cassandra", "--cassandra-contact-points=127.0.0.1:1",
        "--http-port=0", "--otlp-http-port=0", "--otlp-grpc-port=0");
    command.environment().put("RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY", "1.5");
    Process server = command.redirectErrorStream(true).start();
    try {
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the server exits by itself").isTrue();
      String printed = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(server.exitValue()).as("a configuration error").isEqualTo(2);
      assertThat(printed.strip()).isEqualTo("retrospect: RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY"
          + " (--cassandra-coarse-trace-seconds-per-day) must be a whole number from 0 to 4000000, got \"1.5\"");
    } finally {
      server.destroyForcibly();
    }
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
