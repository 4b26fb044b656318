package dev.retrospect.core;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Immutable, key-ordered attribute maps. */
public final class Attributes {
  private Attributes() {}

  /** The class of what {@link #copyOf} returns, to recognize a map that needs no copy. */
  private static final Class<?> FROZEN = Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();

  /**
   * An unmodifiable copy sorted by key; null gives an empty map. A map this method returned is
   * returned as it is: the spans of one OTLP resource share one resource map instead of a copy each.
   */
  public static Map<String, AttributeValue> copyOf(Map<String, AttributeValue> attributes) {
    if (attributes == null || attributes.isEmpty()) return Map.of();
    if (attributes.getClass() == FROZEN && ((SortedMap<?, ?>) attributes).comparator() == null) {
      return attributes;
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
  }
}
