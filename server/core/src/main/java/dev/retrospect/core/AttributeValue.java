package dev.retrospect.core;

import java.util.Objects;

/** An attribute value: its string form (what search sees) and its original type. */
public record AttributeValue(ValueType type, String value) {
  public AttributeValue {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  public static AttributeValue string(String value) {
    return new AttributeValue(ValueType.STRING, value);
  }

  public static AttributeValue integer(long value) {
    return new AttributeValue(ValueType.INT, Long.toString(value));
  }

  public static AttributeValue bool(boolean value) {
    return new AttributeValue(ValueType.BOOL, Boolean.toString(value));
  }

  public static AttributeValue dbl(double value) {
    return new AttributeValue(ValueType.DOUBLE, Double.toString(value));
  }
}
