package dev.retrospect.store.cassandra;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Cassandra node: one per JVM, started on first use and shared by every test
 * class, stopped when the JVM exits. Declare a {@link CassandraNode} parameter (of a
 * {@code @BeforeAll} method, say) to receive it.
 */
public final class CassandraNodeExtension implements ParameterResolver {
  private static CassandraNode node;

  static synchronized CassandraNode node() {
    if (node == null) node = CassandraNode.start();
    return node;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == CassandraNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return node();
  }
}
