package dev.retrospect.server;

import dev.retrospect.core.Storage;
import dev.retrospect.store.cassandra.CassandraConfig;
import dev.retrospect.store.cassandra.CassandraStorage;
import dev.retrospect.store.embedded.SqliteStorage;
import java.util.HashMap;
import java.util.Map;

/** Opens the store that {@code RETROSPECT_STORAGE} names, with the settings of {@link ServerConfig}. */
final class StorageFactory {
  private StorageFactory() {}

  static Storage open(ServerConfig config) {
    return switch (config.storage()) {
      case "embedded" -> SqliteStorage.open(config.dataDir(), config.writeQueue());
      case "cassandra" -> CassandraStorage.create(cassandraConfig(config));
      default -> throw new ServerConfig.ConfigException("unknown storage " + config.storage());
    };
  }

  /** The Cassandra settings (named as their environment variables), parsed by the store's own rules. */
  static CassandraConfig cassandraConfig(ServerConfig config) {
    Map<String, String> settings = new HashMap<>();
    for (ServerConfig.Setting s : ServerConfig.Setting.values()) {
      String value = config.value(s);
      if (s.env.startsWith("RETROSPECT_CASSANDRA_") && value != null && !value.isEmpty()) {
        settings.put(s.env, value);
      }
    }
    settings.put(ServerConfig.Setting.RETENTION_DAYS.env, Integer.toString(config.retentionDays()));
    try {
      return CassandraConfig.fromEnvironment(settings);
    } catch (IllegalArgumentException e) {
      throw new ServerConfig.ConfigException(withFlag(e.getMessage()));
    }
  }

  /**
   * The store's message names the variable; a user may have given the flag instead, so the flag
   * is added after the variable's name, as {@link ServerConfig}'s own messages say both.
   */
  private static String withFlag(String message) {
    for (ServerConfig.Setting s : ServerConfig.Setting.values()) {
      if (message.startsWith(s.env + " ") || message.startsWith(s.env + ":")) {
        return s.env + " (" + s.flag() + ")" + message.substring(s.env.length());
      }
    }
    return message;
  }
}
