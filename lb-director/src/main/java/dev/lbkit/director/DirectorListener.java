package dev.lbkit.director;

/** Receives a director's events, on the thread that caused them; must not block. */
@FunctionalInterface
public interface DirectorListener {
  void onDirectorEvent(DirectorEvent event);
}
