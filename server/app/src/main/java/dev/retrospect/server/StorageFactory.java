package dev.retrospect.server;

import dev.retrospect.core.Storage;
import dev.retrospect.store.embedded.SqliteStorage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Opens the store that {@code RETROSPECT_STORAGE} names. The embedded store is a compile-time
 * dependency. The Cassandra store is looked up by class name so that this module builds, and the
 * jar runs, with or without it: its module is optional and carries the Cassandra driver, which
 * nothing else should have on its classpath. It must offer {@code public static CassandraStorage
 * open(Map<String, String> settings)}, taking the {@code RETROSPECT_CASSANDRA_*} settings.
 */
final class StorageFactory {
  static final String CASSANDRA_CLASS = "dev.retrospect.store.cassandra.CassandraStorage";

  private StorageFactory() {}

  static Storage open(ServerConfig config) {
    return switch (config.storage()) {
      case "embedded" -> SqliteStorage.open(config.dataDir(), config.writeQueue());
      case "cassandra" -> cassandra(Map.of(
          "contactPoints", config.value(ServerConfig.Setting.CASSANDRA_CONTACT_POINTS),
          "localDc", config.value(ServerConfig.Setting.CASSANDRA_LOCAL_DC),
          "keyspace", config.value(ServerConfig.Setting.CASSANDRA_KEYSPACE),
          "retentionDays", Integer.toString(config.retentionDays())));
      default -> throw new ServerConfig.ConfigException("unknown storage " + config.storage());
    };
  }

  private static Storage cassandra(Map<String, String> settings) {
    Method open;
    try {
      open = Class.forName(CASSANDRA_CLASS).getMethod("open", Map.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new ServerConfig.ConfigException(
          "RETROSPECT_STORAGE=cassandra, but the Cassandra store is not built into this jar ("
              + CASSANDRA_CLASS + " with a static open(Map) is missing)");
    }
    try {
      return (Storage) open.invoke(null, settings);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException("opening the Cassandra store failed", e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
