package dev.retrospect.server.api;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.core.Ids;

/** Reads and checks the query parameters of one API request; every error names the parameter. */
final class QueryParameters {
  private final ServiceRequestContext ctx;

  QueryParameters(ServiceRequestContext ctx) {
    this.ctx = ctx;
  }

  /** The parameter, or null when absent or empty. */
  String text(String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** A time or duration in microseconds: a whole number ≥ 0, or null when absent. */
  Long micros(String name) {
    String v = text(name);
    if (v == null) return null;
    try {
      long n = Long.parseLong(v.trim());
      if (n >= 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadParameterException(name + " must be a whole number of microseconds ≥ 0, got " + Ids.quote(v));
  }

  int limit(int max) {
    String v = text("limit");
    if (v == null) return 0;
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1 && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadParameterException("limit must be a whole number from 1 to " + max + ", got " + Ids.quote(v));
  }

  boolean flag(String name) {
    String v = text(name);
    if (v == null || v.equals("false")) return false;
    if (v.equals("true")) return true;
    throw new BadParameterException(name + " must be true or false, got " + Ids.quote(v));
  }

  /** The opaque cursor: bounded in length so that hostile input stays small in logs and stores. */
  String cursor() {
    String v = text("cursor");
    if (v != null && v.length() > 1024) throw new BadParameterException("cursor is not one this server gave out");
    return v;
  }
}
