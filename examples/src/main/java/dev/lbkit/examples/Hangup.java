package dev.lbkit.examples;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;

/**
 * SIGHUP, the signal keepalived reloads its configuration on. The JDK has no public API for signals; this reaches
 * {@code sun.misc.Signal} (module jdk.unsupported) by reflection, because naming it in code is a compile warning
 * ("internal proprietary API") that the build treats as an error. Where it is missing, {@link #onHangup} says so.
 */
final class Hangup {
  private Hangup() {}

  /**
   * Runs {@code action} on every SIGHUP, on a thread the JVM starts for the signal, instead of the JVM's default
   * (exiting).
   *
   * @return empty when installed, else why not
   */
  static Optional<String> onHangup(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      Object proxy = Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[] {handler},
          (self, method, args) -> {
            switch (method.getName()) {
              case "handle" -> action.run();
              case "hashCode" -> {
                return System.identityHashCode(self);
              }
              case "equals" -> {
                return self == args[0];
              }
              case "toString" -> {
                return "lbkit SIGHUP handler";
              }
              default -> {
                // no other methods on SignalHandler
              }
            }
            return null;
          });
      Method handle = signal.getMethod("handle", signal, handler);
      handle.invoke(null, hup, proxy);
      return Optional.empty();
    } catch (InvocationTargetException e) {
      return Optional.of(String.valueOf(e.getCause()));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.of(e.toString());
    }
  }
}
