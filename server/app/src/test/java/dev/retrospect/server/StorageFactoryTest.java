package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageFactoryTest {
  @Test
  void cassandraWithoutItsModuleInTheJarSaysSoInsteadOfFailingObscurely() {
    ServerConfig config = ServerConfig.from(Map.of(), "--storage=cassandra");
    assertThatThrownBy(() -> StorageFactory.open(config))
        .isInstanceOf(ServerConfig.ConfigException.class)
        .hasMessageContaining("the Cassandra store is not built into this jar");
  }
}
