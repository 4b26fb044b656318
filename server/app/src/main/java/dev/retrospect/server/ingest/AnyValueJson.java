package dev.retrospect.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.util.Base64;

/** The JSON text kept for array and key-value-list attribute values (see ValueType). */
final class AnyValueJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AnyValueJson() {}

  static String array(ArrayValue array) {
    return write(arrayNode(array));
  }

  static String kvlist(KeyValueList list) {
    return write(objectNode(list));
  }

  private static ArrayNode arrayNode(ArrayValue array) {
    ArrayNode node = NODES.arrayNode();
    for (AnyValue v : array.getValuesList()) node.add(node(v));
    return node;
  }

  private static ObjectNode objectNode(KeyValueList list) {
    ObjectNode node = NODES.objectNode();
    for (KeyValue kv : list.getValuesList()) node.set(kv.getKey(), node(kv.getValue()));
    return node;
  }

  private static JsonNode node(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> NODES.textNode(v.getStringValue());
      case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
      case INT_VALUE -> NODES.numberNode(v.getIntValue());
      case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue())
          ? NODES.numberNode(v.getDoubleValue())
          : NODES.textNode(Double.toString(v.getDoubleValue()));
      case BYTES_VALUE -> NODES.textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> arrayNode(v.getArrayValue());
      case KVLIST_VALUE -> objectNode(v.getKvlistValue());
      case VALUE_NOT_SET -> NODES.nullNode();
    };
  }

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
