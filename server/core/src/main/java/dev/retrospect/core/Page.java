package dev.retrospect.core;

import java.util.List;

/** One page of results; nextCursor is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
  public Page {
    items = List.copyOf(items);
  }
}
