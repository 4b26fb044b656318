package dev.retrospect.server.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.retrospect.core.InvalidInputException;

/**
 * Fuzz targets for every decoder of untrusted bytes. The promise: a body either decodes or is
 * refused with InvalidInputException (a 400 with a reason); never another exception, a stack
 * overflow or unbounded memory. Without JAZZER_FUZZ these run the committed corpus in
 * {@code src/test/resources/dev/retrospect/server/ingest/DecoderFuzzTestInputs/<method>/} as plain
 * tests; bench/fuzz.sh fuzzes each for 30 s.
 */
class DecoderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void otlpProtobuf(byte[] body) {
    decodes(() -> OtlpSpanMapper.map(OtlpProtobuf.decode(body), new OtlpSpanMapper.Rejections()));
  }

  @FuzzTest(maxDuration = "30s")
  void otlpJson(byte[] body) {
    decodes(() -> {
      OtlpSpanMapper.Rejections rejections = new OtlpSpanMapper.Rejections();
      OtlpSpanMapper.map(OtlpJsonDecoder.decode(body, rejections), rejections);
    });
  }

  @FuzzTest(maxDuration = "30s")
  void replayBatch(byte[] body) {
    decodes(() -> ReplayBatchDecoder.decode(body));
  }

  private static void decodes(Runnable decode) {
    try {
      decode.run();
    } catch (InvalidInputException refused) {
      // the one allowed way to refuse input
    }
  }
}
