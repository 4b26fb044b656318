package dev.retrospect.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name=value} command-line options, checked against the names a benchmark knows. */
public final class BenchOptions {
  private final Map<String, String> values = new HashMap<>();

  public BenchOptions(String[] args, Set<String> known) {
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      String name = arg.substring(2, arg.indexOf('='));
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
      }
      values.put(name, arg.substring(arg.indexOf('=') + 1));
    }
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public int integer(String name, int fallback) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name).replace("_", "")) : fallback;
  }

  public Duration seconds(String name, int fallback) {
    return Duration.ofSeconds(integer(name, fallback));
  }

  public Path path(String name, String fallback) {
    return Path.of(string(name, fallback));
  }

  public List<String> list(String name, String fallback) {
    return new ArrayList<>(Arrays.asList(string(name, fallback).split(",")));
  }

  /** {@code --resource=sdk}: Retrospect's spans carry an SDK's whole resource (Zipkin has none). */
  private boolean sdkResource() {
    return switch (string("resource", "minimal")) {
      case "minimal" -> false;
      case "sdk" -> true;
      default -> throw new IllegalArgumentException("--resource must be minimal or sdk");
    };
  }

  /** The servers to run, in order, sharing one heap setting and one store kind. */
  public List<BenchTarget> targets(Path workDir, String runTag) {
    // As bin/retrospect starts it: the heap grows from 64 MB instead of starting at its maximum.
    List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx" + string("heap", "384m")));
    // Extra options for Retrospect's JVM only (not the load generator's), e.g. another collector.
    for (String option : string("retrospect-jvm", "").split(" ")) {
      if (!option.isBlank()) jvm.add(option);
    }
    List<String> zipkinJvm = List.of("-Xmx" + string("zipkin-heap", string("heap", "384m")));
    CassandraNode cassandra = switch (string("store", "embedded")) {
      case "embedded", "mem" -> null;
      case "cassandra" -> new CassandraNode(string("cassandra", "127.0.0.1:9042"),
          string("cassandra-dc", "datacenter1"), runTag);
      default -> throw new IllegalArgumentException("--store must be embedded or cassandra");
    };
    List<BenchTarget> targets = new ArrayList<>();
    for (String target : list("targets", "retrospect,zipkin")) {
      switch (target) {
        case "retrospect" -> targets.add(new RetrospectTarget(
            path("retrospect-jar", "server/app/target/retrospect.jar").toAbsolutePath(), jvm,
            workDir, cassandra, string("retrospect-classpath", ""), sdkResource()));
        case "zipkin" -> targets.add(new ZipkinTarget(
            path("zipkin-jar", "bench/.cache/zipkin-server-3.5.1-exec.jar").toAbsolutePath(), zipkinJvm,
            workDir, cassandra));
        default -> throw new IllegalArgumentException("unknown target " + target);
      }
    }
    return targets;
  }

  static final Set<String> COMMON = Set.of("targets", "store", "heap", "retrospect-jar",
      "zipkin-jar", "work-dir", "cassandra", "cassandra-dc", "connections", "spans-per-request",
      "seed", "zipkin-heap", "retrospect-classpath", "resource", "retrospect-jvm");
}
