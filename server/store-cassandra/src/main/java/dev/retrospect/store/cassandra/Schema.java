package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Creates or migrates Retrospect's keyspace and tables (see RATIONALE.md for why each table is
 * shaped as it is), or, when operators manage the schema, checks that it is the version this code
 * expects. Every statement is {@code IF NOT EXISTS}, so servers starting together do not conflict.
 */
final class Schema {
  /**
   * The version this code reads and writes; bump it with a new entry in {@link #MIGRATIONS}, or
   * when the meaning of rows changes. Version 3 added no statement: it writes {@code span_tokens}
   * rows per trace and second (an empty {@code span_id}), which a version 2 server would not
   * understand, so a version 2 server refuses a keyspace this version has written to. Version 4
   * added the time index by minute and the text index by ten minutes beside the tables by hour and
   * by day, and writes a bucket's spans beyond a limit to them (so that partitions stay small at
   * high ingest rates, see {@link CoarseFirst}); a version 3 server refuses a keyspace it has
   * written to, whose spans in the new tables it would not find. Version 5 added {@code resources}
   * and stores spans naming their resource there (format 2 of {@link BinaryCodec}), which a version
   * 4 server could not decode, so a version 4 server refuses a keyspace it has written to.
   * Version 6 added {@code span_bytes} to {@code spans} and {@code events_bytes} to {@code
   * replay_batches}, the sizes that {@code traceBytes} and {@code replayBytes} add up, written with
   * each row so that measuring a trace or a replay no longer reads its blobs. A version 5 server
   * would read such a keyspace correctly, but rows it wrote would have no size (read back as rows
   * written before version 6 are: measured from their blobs) and a span it wrote again would keep
   * the size a version 6 server stored for it; so a version 5 server refuses it too, like every
   * older version a newer one.
   */
  static final int VERSION = 6;

  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Time-series tables: data arrives in time order and expires as a whole by TTL, so each
   * compaction window is eventually dropped whole. Tombstones come only from TTL, hence the short
   * gc grace (there are no deletes whose repair must outrun it).
   */
  private static String timeSeries(int retentionDays) {
    // About 24 windows over the retention period, as TWCS works best with 20 to 30 windows.
    return " compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'HOURS',"
        + " 'compaction_window_size': " + retentionDays + ", 'unchecked_tombstone_compaction': 'true',"
        + " 'tombstone_threshold': '0.2'} AND gc_grace_seconds = 10800";
  }

  /**
   * Every version's statements, one per entry, in order; {ks} is the keyspace, {twcs} the TWCS
   * options. Version 2 added {@code chapter_owners}; version 3 added none; version 4 the
   * tables by minute and by ten minutes; version 5 {@code resources}; version 6 two size columns
   * (see {@link #VERSION}). A column is added with {@code IF NOT EXISTS}, as a table is created.
   */
  private static final List<String> MIGRATIONS = List.of(
      """
      CREATE TABLE IF NOT EXISTS {ks}.spans (
        trace_id text, span_id text, start_micros bigint, span blob,
        PRIMARY KEY (trace_id, span_id)) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.span_index (
        hour bigint, shard int, start_micros bigint, trace_id text, span_id text,
        service text, duration bigint, http_status int, error boolean, span blob,
        PRIMARY KEY ((hour, shard), start_micros, trace_id, span_id))
        WITH CLUSTERING ORDER BY (start_micros DESC, trace_id DESC, span_id DESC) AND {twcs}""",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_service ON {ks}.span_index (service) USING 'StorageAttachedIndex'",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_http_status ON {ks}.span_index (http_status) USING 'StorageAttachedIndex'",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_duration ON {ks}.span_index (duration) USING 'StorageAttachedIndex'",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_error ON {ks}.span_index (error) USING 'StorageAttachedIndex'",
      """
      CREATE TABLE IF NOT EXISTS {ks}.span_tokens (
        day bigint, prefix text, shard int, word text, start_micros bigint, trace_id text, span_id text,
        PRIMARY KEY ((day, prefix, shard), word, start_micros, trace_id, span_id)) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.buckets (
        kind text, bucket bigint, PRIMARY KEY (kind, bucket))
        WITH CLUSTERING ORDER BY (bucket DESC)""",
      "CREATE TABLE IF NOT EXISTS {ks}.services (kind text, service text, PRIMARY KEY (kind, service))",
      """
      CREATE TABLE IF NOT EXISTS {ks}.replay_batches (
        session_id text, sequence bigint, first_event_micros bigint, last_event_micros bigint,
        event_count int, error_count int, full_snapshots list<bigint>, chapters blob,
        service text, user_agent text, entry_url text, user_id text, user_email text, events blob,
        PRIMARY KEY (session_id, sequence)) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.sessions_by_day (
        day bigint, session_id text, PRIMARY KEY (day, session_id)) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.chapters_by_session (
        session_id text, chapter_sequence int, chapter_id text, batch_sequence bigint, chapter blob,
        PRIMARY KEY (session_id, chapter_sequence, chapter_id, batch_sequence)) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.chapter_reports (
        chapter_id text, batch_sequence bigint, chapter blob,
        PRIMARY KEY (chapter_id, batch_sequence)) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.chapter_by_trace (
        trace_id text, chapter_id text, PRIMARY KEY (trace_id, chapter_id)) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.chapter_owners (
        chapter_id text PRIMARY KEY, session_id text) WITH {twcs}""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.schema_version (
        id text PRIMARY KEY, version int, applied_at timestamp)""",
      """
      CREATE TABLE IF NOT EXISTS {ks}.span_index_by_minute (
        minute bigint, shard int, start_micros bigint, trace_id text, span_id text,
        service text, duration bigint, http_status int, error boolean, span blob,
        PRIMARY KEY ((minute, shard), start_micros, trace_id, span_id))
        WITH CLUSTERING ORDER BY (start_micros DESC, trace_id DESC, span_id DESC) AND {twcs}""",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_by_minute_service ON {ks}.span_index_by_minute (service) USING 'StorageAttachedIndex'",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_by_minute_http_status ON {ks}.span_index_by_minute (http_status) USING 'StorageAttachedIndex'",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_by_minute_duration ON {ks}.span_index_by_minute (duration) USING 'StorageAttachedIndex'",
      "CREATE CUSTOM INDEX IF NOT EXISTS span_index_by_minute_error ON {ks}.span_index_by_minute (error) USING 'StorageAttachedIndex'",
      """
      CREATE TABLE IF NOT EXISTS {ks}.span_tokens_by_ten_minutes (
        ten_minutes bigint, prefix text, shard int, word text, start_micros bigint, trace_id text, span_id text,
        PRIMARY KEY ((ten_minutes, prefix, shard), word, start_micros, trace_id, span_id)) WITH {twcs}""",
      // Not time-series: a row is rewritten every hour while spans name it, so it never expires as a whole window.
      """
      CREATE TABLE IF NOT EXISTS {ks}.resources (
        id blob PRIMARY KEY, attributes blob) WITH gc_grace_seconds = 10800""",
      "ALTER TABLE {ks}.spans ADD IF NOT EXISTS span_bytes int",
      "ALTER TABLE {ks}.replay_batches ADD IF NOT EXISTS events_bytes int");

  private Schema() {}

  /**
   * Creates the keyspace and tables that do not exist yet and records the version. The driver's
   * schema metadata is paused meanwhile: refreshing it after each statement would cost about a
   * second each (the driver debounces refreshes); it is refreshed once at the end.
   */
  static void apply(CqlSession session, CassandraConfig config) {
    session.setSchemaMetadataEnabled(false);
    try {
      create(session, config);
    } finally {
      session.setSchemaMetadataEnabled(true).toCompletableFuture().join();
    }
  }

  private static void create(CqlSession session, CassandraConfig config) {
    String keyspace = config.keyspace();
    ddl(session, "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
        + config.replication().toCql());
    int current = version(session, keyspace);
    if (current > VERSION) {
      throw new IllegalStateException("keyspace " + keyspace + " has schema version " + current
          + ", newer than this server's " + VERSION + ": upgrade the server");
    }
    String options = timeSeries(config.retentionDays());
    for (String statement : MIGRATIONS) {
      ddl(session, statement.replace("{ks}", keyspace).replace("{twcs}", options));
    }
    session.execute(SimpleStatement.newInstance(
            "INSERT INTO " + keyspace + ".schema_version (id, version, applied_at) VALUES ('retrospect', ?, ?)",
            VERSION, Instant.now())
        .setTimeout(DDL_TIMEOUT));
  }

  /** For operators who manage the schema: fails unless it is the version this code expects. */
  static void check(CqlSession session, String keyspace) {
    int current = version(session, keyspace);
    if (current == 0) {
      throw new IllegalStateException("keyspace " + keyspace + " has no Retrospect schema"
          + " (RETROSPECT_CASSANDRA_MANAGE_SCHEMA=false): create it first, see RATIONALE.md");
    }
    if (current != VERSION) {
      throw new IllegalStateException("keyspace " + keyspace + " has schema version " + current
          + " but this server needs " + VERSION);
    }
  }

  /** The recorded version, 0 for a keyspace without Retrospect's tables. */
  private static int version(CqlSession session, String keyspace) {
    boolean hasTable = session.execute(SimpleStatement.newInstance(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'schema_version'",
            keyspace)).one() != null;
    if (!hasTable) return 0;
    Row row = session.execute(SimpleStatement.newInstance(
        "SELECT version FROM " + keyspace + ".schema_version WHERE id = 'retrospect'")).one();
    return row == null ? 0 : row.getInt("version");
  }

  private static void ddl(CqlSession session, String statement) {
    session.execute(SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT));
  }
}
