package dev.lbkit.examples;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Input files the commands could not read, worded for an operator rather than as the exception's bare path. */
final class IoErrors {
  private IoErrors() {}

  /** {@code cannot read FILE: no such file}, with the failure as its cause. */
  static IOException cannotRead(Path file, IOException e) {
    return new IOException("cannot read " + file + ": " + reason(e), e);
  }

  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
