package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;

/** What a {@link Conversation} wants next: wait for bytes, send bytes and then wait, or finish with a result. */
public sealed interface Step permits Step.Await, Step.Send, Step.Finish {

  /** Wait for more bytes. */
  static Step await() {
    return Await.INSTANCE;
  }

  /** Send these bytes (the engine copies them), then wait for more. */
  static Step send(ByteBuffer bytes) {
    return new Send(bytes);
  }

  /** Done: close the connection and report. */
  static Step finish(CheckResult result) {
    return new Finish(result);
  }

  /** Wait for more bytes. */
  enum Await implements Step {
    INSTANCE
  }

  /**
   * Send, then wait.
   *
   * @param bytes from position to limit
   */
  record Send(ByteBuffer bytes) implements Step {
    public Send {
      requireNonNull(bytes, "bytes");
    }
  }

  /**
   * Done.
   *
   * @param result the outcome
   */
  record Finish(CheckResult result) implements Step {
    public Finish {
      requireNonNull(result, "result");
    }
  }
}
