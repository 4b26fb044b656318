package dev.retrospect.core;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Immutable, key-ordered attribute maps. */
public final class Attributes {
  private Attributes() {}

  /** An unmodifiable copy sorted by key; null gives an empty map. */
  public static Map<String, AttributeValue> copyOf(Map<String, AttributeValue> attributes) {
    if (attributes == null || attributes.isEmpty()) return Map.of();
    return Collections.unmodifiableMap(new TreeMap<>(attributes));
  }
}
